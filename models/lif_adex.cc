#include "models/lif_adex.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lif_adex::Spec>;
template struct detail::RecurrentFunctions<lif_adex::Spec, lif_adex::RecurrentState>;

}  // namespace norse
