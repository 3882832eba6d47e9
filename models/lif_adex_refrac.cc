#include "models/lif_adex_refrac.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lif_adex_refrac::Spec>;
template struct detail::RecurrentFunctions<lif_adex_refrac::Spec, lif_adex_refrac::RecurrentState>;

}  // namespace norse
