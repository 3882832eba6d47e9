#include "models/lif_box.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<lif_box::Spec>;

}  // namespace norse
