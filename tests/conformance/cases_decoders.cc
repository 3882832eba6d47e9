// Conformance handlers: the spike-time decoder and the exponential filter (issue 5).
#include "models/decoders.h"
#include "models/receptive_field.h"
#include "tests/conformance/runner.h"

namespace norse {
namespace conformance {
namespace {

Outputs spikes_to_times_case(CaseContext& c) {
  const decode::SpikesToTimesDecoder decoder(static_cast<int64_t>(c.fixture().number("spike_count")),
                                             c.fixture().bool_param("convert_indices_to_times"), c.fixture().dt);
  return {{"times", decoder.forward(c.leaf("input"))}};
}

Outputs exp_filter_case(CaseContext& c) {
  Generator init(0);
  const int64_t in = static_cast<int64_t>(c.fixture().number("input_size"));
  const int64_t out = static_cast<int64_t>(c.fixture().number("output_size"));
  decode::ExpFilter filter(in, out, init, c.fixture().number("tau_filter_inv"), c.fixture().dt,
                           c.fixture().bool_param("bias"));
  filter.linear.weight = c.leaf("input_weights");
  if (c.fixture().bool_param("bias")) filter.linear.bias = c.leaf("bias");
  return {{"output", filter.forward(c.leaf("input"))}};
}

Outputs receptive_field_case(CaseContext& c) {
  const Fixture& f = c.fixture();
  return {{"kernel", receptive_field::spatial_receptive_field(
                         c.param("scale"), c.param("angle"), c.param("ratio"), c.param("x"), c.param("y"),
                         static_cast<int64_t>(f.number("size")), static_cast<int64_t>(f.number("dx")),
                         static_cast<int64_t>(f.number("dy")), f.number("domain"))}};
}

const Registration kRegistrations[] = {
    {"spatial_receptive_field/kernel", receptive_field_case},
    {"decoder_spikes_to_times/decode", spikes_to_times_case},
    {"exp_filter/sequence", exp_filter_case},
};

}  // namespace
}  // namespace conformance
}  // namespace norse
