// Umbrella header of the core layer: Tensor, its math, the tape and the differentiable ops.
#ifndef NORSE_CORE_CORE_H_
#define NORSE_CORE_CORE_H_

#include "core/autograd.h"
#include "core/error.h"
#include "core/generator.h"
#include "core/npy.h"
#include "core/ops.h"
#include "core/parallel.h"
#include "core/safetensors.h"
#include "core/tensor.h"
#include "core/tensor_ops.h"

#endif  // NORSE_CORE_CORE_H_
