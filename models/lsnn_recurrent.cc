#include "models/lsnn_recurrent.h"

#include "models/neuron_functions.h"

namespace norse {

template struct detail::RecurrentFunctions<lsnn::Spec, lsnn::RecurrentState>;

}  // namespace norse
