#pragma once
// What the numerical runtime underneath LibTorch is: which BLAS the process really loaded
// (Debian links LibTorch to whatever libblas.so.3 the alternatives system points at: the
// reference BLAS is ~20x slower than OpenBLAS) and how many threads it uses.

#include <string>

namespace tessera {

struct RuntimeInfo {
    std::string torchVersion;   // "1.13.1"
    std::string blasName;       // "OpenBLAS 0.3.21 (OpenMP)", "reference BLAS (netlib)", ...
    std::string blasLibrary;    // resolved path of the loaded libblas, when found
    std::string blasCore;       // OpenBLAS's kernel family ("Haswell", "SkylakeX", "Prescott")
    bool referenceBlas = false; // true: matrix products will be very slow
    int threads = 1;            // LibTorch intra-op threads now in force
    int cores = 1;              // hardware threads available to this process
    // A sentence for the user when something is wrong (reference BLAS), else empty.
    std::string warning;

    std::string summary() const; // "OpenBLAS 0.3.21 · 2 threads"
};

// Sets LibTorch's intra-op threads (and OpenBLAS's) to threads, or to the available cores
// when threads <= 0, tunes glibc's allocator to reuse large buffers (see Runtime.cpp), then
// describes the runtime. Call once at start-up, before any work.
RuntimeInfo configureRuntime(int threads = 0);

// OpenBLAS 0.3.21 chooses its kernels by CPU model and falls back to Prescott's (SSE3) on
// models it does not know, as many virtual machines report ("Intel Xeon Processor"): matrix
// products then run about 3x slower than the CPU allows (measured: 10,000 x 10,000 x 768
// float32 in 5.5 s instead of 1.7 s). When that happened on a CPU with AVX2 + FMA or AVX-512,
// restarts the program (execv of /proc/self/exe with the same argv) with OPENBLAS_CORETYPE
// set to Haswell or SkylakeX. Does nothing when the user set OPENBLAS_CORETYPE, after one
// restart, or when exec fails. Call first thing in main(), before threads exist.
void preferFastBlasKernels(char **argv);

// Describes the runtime without changing it. Any thread.
RuntimeInfo runtimeInfo();

} // namespace tessera
