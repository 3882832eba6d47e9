#include "models/coba_lif.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<coba_lif::Spec>;

}  // namespace norse
