#include "models/li_box.h"

#include "kernels/li_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<li_box::Spec>;

}  // namespace norse
