// Neuron models as layers for SequentialState and the tasks. State layouts (LayerState):
//   LIFCellLayer, LIFLayer:  {v, i}          LICellLayer, LILayer, LILinearCell: {v, i}
// The *Cell layers take one step [B, ...]; LIFLayer / LILayer take a whole [T, B, ...]
// sequence in one fused call and keep the final state.
#ifndef NORSE_MODELS_NEURON_LAYERS_H_
#define NORSE_MODELS_NEURON_LAYERS_H_

#include "models/layers.h"
#include "models/li.h"
#include "models/lif.h"
#include "models/module.h"

namespace norse {
namespace nn {

class LIFCellLayer : public StatefulLayer {
 public:
  explicit LIFCellLayer(lif::Params params = {}, float dt = 1e-3f) : params(std::move(params)), dt(dt) {}
  Variable forward(const Variable& input, LayerState& state) override;
  std::vector<NamedParameter> named_parameters() override;
  lif::Params params;
  float dt;
};

class LIFLayer : public StatefulLayer {
 public:
  explicit LIFLayer(lif::Params params = {}, float dt = 1e-3f) : params(std::move(params)), dt(dt) {}
  Variable forward(const Variable& input, LayerState& state) override;
  std::vector<NamedParameter> named_parameters() override;
  lif::Params params;
  float dt;
};

// Output: the new voltage.
class LICellLayer : public StatefulLayer {
 public:
  explicit LICellLayer(li::Params params = {}, float dt = 1e-3f) : params(std::move(params)), dt(dt) {}
  Variable forward(const Variable& input, LayerState& state) override;
  std::vector<NamedParameter> named_parameters() override;
  li::Params params;
  float dt;
};

// Output: the voltage of every step, [T, B, ...].
class LILayer : public StatefulLayer {
 public:
  explicit LILayer(li::Params params = {}, float dt = 1e-3f) : params(std::move(params)), dt(dt) {}
  Variable forward(const Variable& input, LayerState& state) override;
  std::vector<NamedParameter> named_parameters() override;
  li::Params params;
  float dt;
};

// Norse's LILinearCell: the input enters through weights [out, in] (no bias; initialised
// N(0, 2 / out) as Norse does), then one LI step. Also accepts a [T, B, in] sequence, then
// runs the projection as one GEMM and the LI loop fused, and returns [T, B, out].
class LILinearCell : public StatefulLayer {
 public:
  LILinearCell(int64_t in_features, int64_t out_features, Generator& init, li::Params params = {}, float dt = 1e-3f);
  Variable forward(const Variable& input, LayerState& state) override;
  std::vector<NamedParameter> named_parameters() override;
  Variable weight;
  li::Params params;
  float dt;
};

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_NEURON_LAYERS_H_
