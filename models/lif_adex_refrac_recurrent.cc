#include "models/lif_adex_refrac_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<lif_adex_refrac::Spec, lif_adex_refrac::RecurrentState>;

}  // namespace norse
