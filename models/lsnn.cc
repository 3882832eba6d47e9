#include "models/lsnn.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lsnn::Spec>;
template struct detail::RecurrentFunctions<lsnn::Spec, lsnn::RecurrentState>;

}  // namespace norse
