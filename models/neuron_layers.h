// Neuron layers for SequentialState and the tasks: every model's Cell / Sequence / Recurrent
// flavours (models/neuron_modules.h) and Norse's LILinearCell (state {v, i}).
#ifndef NORSE_MODELS_NEURON_LAYERS_H_
#define NORSE_MODELS_NEURON_LAYERS_H_

#include "models/layers.h"
#include "models/li.h"
#include "models/module.h"
#include "models/neuron_modules.h"  // IWYU pragma: export

namespace norse {
namespace nn {

// Norse's LILinearCell: the input enters through weights [out, in] (no bias; initialised
// N(0, 2 / out) as Norse does), then one LI step. Also accepts a [T, B, in] sequence, then
// runs the projection as one GEMM and the LI loop fused, and returns [T, B, out].
class LILinearCell : public StatefulLayer {
 public:
  LILinearCell(int64_t in_features, int64_t out_features, Generator& init, li::Params params = {}, float dt = 1e-3f);
  Variable forward(const Variable& input, LayerState& state) override;
  std::vector<NamedParameter> named_parameters() override;
  std::vector<std::string> state_names() const override { return norse::detail::state_names<li::Spec::Model>(); }
  Variable weight;
  li::Params params;
  float dt;
};

}  // namespace nn
}  // namespace norse

#endif  // NORSE_MODELS_NEURON_LAYERS_H_
