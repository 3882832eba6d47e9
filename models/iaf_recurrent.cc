#include "models/iaf_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<iaf::Spec, iaf::RecurrentState>;

}  // namespace norse
