// NORSE_HD marks a function as callable from host and device code: `__host__ __device__` under
// nvcc, nothing under a host compiler. The pure per-element math (kernels/*_math.h, philox.h)
// uses it so that the CPU loops and the CUDA kernels run the same source.
#ifndef NORSE_CORE_HOST_DEVICE_H_
#define NORSE_CORE_HOST_DEVICE_H_

#if defined(__CUDACC__)
#define NORSE_HD __host__ __device__
#else
#define NORSE_HD
#endif

// -ffast-math / -Ofast fold NaN checks away and break CPU/GPU parity (STYLE.md section 2).
#if defined(__FAST_MATH__)
#error "norse-cpp must not be compiled with -ffast-math or -Ofast"
#endif

#endif  // NORSE_CORE_HOST_DEVICE_H_
