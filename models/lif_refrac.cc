#include "models/lif_refrac.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lif_refrac::Spec>;
template struct detail::RecurrentFunctions<lif_refrac::Spec, lif_refrac::RecurrentState>;

}  // namespace norse
