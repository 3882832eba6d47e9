#include "models/lif_refrac_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<lif_refrac::Spec, lif_refrac::RecurrentState>;

}  // namespace norse
