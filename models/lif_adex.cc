#include "models/lif_adex.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lif_adex::Spec>;

}  // namespace norse
