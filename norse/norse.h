// norse-cpp's umbrella header: everything an embedding program needs (tensors and the tape,
// every neuron model in every flavour, layers and SequentialState, encoders and decoders,
// optimizers, plasticity, plots, NIR graphs, the version).
//
//   #include "norse/norse.h"
//
// Against an installed prefix (tools/install.sh): CMake find_package(norse) and norse::norse,
// or pkg-config --cflags --libs norse. In a Bazel workspace: depend on @norse_cpp//:norse_lib.
#ifndef NORSE_NORSE_H_
#define NORSE_NORSE_H_

#include "core/core.h"
#include "distributed/communicator.h"
#include "distributed/data_parallel.h"
#include "kernels/lif_math.h"
#include "kernels/surrogate.h"
#include "models/coba_lif.h"
#include "models/convnet.h"
#include "models/decoders.h"
#include "models/encoders.h"
#include "models/iaf.h"
#include "models/izhikevich.h"
#include "models/layers.h"
#include "models/li.h"
#include "models/li_box.h"
#include "models/lif.h"
#include "models/lif_adex.h"
#include "models/lif_adex_refrac.h"
#include "models/lif_box.h"
#include "models/lif_ex.h"
#include "models/lif_mc.h"
#include "models/lif_refrac.h"
#include "models/lift.h"
#include "models/logical.h"
#include "models/lsnn.h"
#include "models/module.h"
#include "models/neuron_layers.h"
#include "models/optim.h"
#include "models/receptive_field.h"
#include "models/regularization.h"
#include "models/sequential.h"
#include "models/threshold.h"
#include "nir/graph.h"
#include "nir/network.h"
#include "norse/version.h"
#include "plasticity/correlation_sensor.h"
#include "plasticity/stdp.h"
#include "plasticity/tsodyks_markram.h"
#include "plot/plot.h"

#endif  // NORSE_NORSE_H_
