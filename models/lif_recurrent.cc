#include "models/lif_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<lif::Spec, lif::RecurrentState>;

}  // namespace norse
