#include "models/lif.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lif::Spec>;
template struct detail::RecurrentFunctions<lif::Spec, lif::RecurrentState>;

}  // namespace norse
