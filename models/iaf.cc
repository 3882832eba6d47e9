#include "models/iaf.h"

#include "kernels/spiking_math.h"
#include "models/neuron_functions.h"

namespace norse {
template struct detail::FeedForward<iaf::Spec>;
template struct detail::RecurrentFunctions<iaf::Spec, iaf::RecurrentState>;

}  // namespace norse
