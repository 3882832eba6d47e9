#include "models/izhikevich_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<izhikevich::Spec, izhikevich::RecurrentState>;

}  // namespace norse
