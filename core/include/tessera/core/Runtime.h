#pragma once
// What the numerical runtime underneath LibTorch is: which BLAS the process really loaded
// (Debian links LibTorch to whatever libblas.so.3 the alternatives system points at: the
// reference BLAS is ~20x slower than OpenBLAS) and how many threads it uses.

#include <string>

namespace tessera {

struct RuntimeInfo {
    std::string torchVersion;    // "1.13.1"
    std::string blasName;        // "OpenBLAS 0.3.21 (OpenMP)", "reference BLAS (netlib)", ...
    std::string blasLibrary;     // resolved path of the loaded libblas, when found
    bool referenceBlas = false;  // true: matrix products will be very slow
    int threads = 1;             // LibTorch intra-op threads now in force
    int cores = 1;               // hardware threads available to this process
    // A sentence for the user when something is wrong (reference BLAS), else empty.
    std::string warning;

    std::string summary() const; // "OpenBLAS 0.3.21 · 2 threads"
};

// Sets LibTorch's intra-op threads (and OpenBLAS's) to threads, or to the available cores
// when threads <= 0, tunes glibc's allocator to reuse large buffers (see Runtime.cpp), then
// describes the runtime. Call once at start-up, before any work.
RuntimeInfo configureRuntime(int threads = 0);

// Describes the runtime without changing it. Any thread.
RuntimeInfo runtimeInfo();

} // namespace tessera
