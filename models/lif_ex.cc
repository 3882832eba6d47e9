#include "models/lif_ex.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lif_ex::Spec>;
template struct detail::RecurrentFunctions<lif_ex::Spec, lif_ex::RecurrentState>;

}  // namespace norse
