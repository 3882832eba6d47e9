#include "models/li.h"

#include "kernels/li_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<li::Spec>;

}  // namespace norse
