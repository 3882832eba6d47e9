#include "models/lif_adex_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<lif_adex::Spec, lif_adex::RecurrentState>;

}  // namespace norse
