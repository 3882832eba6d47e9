// norse-cpp's umbrella header: everything an embedding program needs.
//
//   #include "norse/norse.h"
//
// Build against the outputs of `bazel build //:norse`:
//   g++ -std=c++17 -I bazel-bin/norse_include app.cc bazel-bin/libnorse.a -fopenmp
#ifndef NORSE_NORSE_H_
#define NORSE_NORSE_H_

#include "core/core.h"
#include "kernels/lif_math.h"
#include "kernels/surrogate.h"
#include "models/coba_lif.h"
#include "models/coba_lif_recurrent.h"
#include "models/iaf.h"
#include "models/iaf_recurrent.h"
#include "models/izhikevich.h"
#include "models/izhikevich_recurrent.h"
#include "models/li.h"
#include "models/li_box.h"
#include "models/lif.h"
#include "models/lif_adex.h"
#include "models/lif_adex_recurrent.h"
#include "models/lif_adex_refrac.h"
#include "models/lif_adex_refrac_recurrent.h"
#include "models/lif_box.h"
#include "models/lif_ex.h"
#include "models/lif_ex_recurrent.h"
#include "models/lif_mc.h"
#include "models/lif_recurrent.h"
#include "models/lif_refrac.h"
#include "models/lif_refrac_recurrent.h"
#include "models/lsnn.h"
#include "models/lsnn_recurrent.h"
#include "models/threshold.h"

#endif  // NORSE_NORSE_H_
