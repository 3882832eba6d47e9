#include "models/lif_ex_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<lif_ex::Spec, lif_ex::RecurrentState>;

}  // namespace norse
