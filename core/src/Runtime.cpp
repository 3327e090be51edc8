#include "tessera/core/Runtime.h"

// The only translation unit of this layer that needs torch so far: keep the includes narrow,
// <torch/torch.h> costs 20-50 s of compile time per file.
#include <ATen/Parallel.h>
#include <torch/csrc/api/include/torch/version.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <dlfcn.h>
#include <link.h>
#include <malloc.h>
#include <sched.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tessera {
namespace {

int availableCores()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int count = CPU_COUNT(&set);
        if (count > 0)
            return count;
    }
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware ? static_cast<int>(hardware) : 1;
}

int collectLibrary(struct dl_phdr_info *info, size_t, void *data)
{
    if (info->dlpi_name && *info->dlpi_name)
        static_cast<std::vector<std::string> *>(data)->push_back(info->dlpi_name);
    return 0;
}

std::string resolved(const std::string &path)
{
    char buffer[PATH_MAX];
    return ::realpath(path.c_str(), buffer) ? std::string(buffer) : path;
}

std::string lowerCase(std::string text)
{
    for (char &c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

void describeBlas(RuntimeInfo &info)
{
    // The library that serves dgemm_ in the global scope is the one LibTorch's matrix
    // products call: ask the dynamic linker rather than guessing from package names.
    std::string blasPath;
    if (void *gemm = ::dlsym(RTLD_DEFAULT, "dgemm_")) {
        Dl_info where{};
        if (::dladdr(gemm, &where) && where.dli_fname)
            blasPath = resolved(where.dli_fname);
    }
    if (blasPath.empty()) {
        std::vector<std::string> libraries;
        dl_iterate_phdr(collectLibrary, &libraries);
        for (const std::string &name : libraries) {
            const std::string real = resolved(name);
            const std::string file = real.substr(real.find_last_of('/') + 1);
            if (file.rfind("libblas.so", 0) == 0 || file.rfind("libopenblas", 0) == 0) {
                blasPath = real;
                break;
            }
        }
    }
    info.blasLibrary = blasPath;
    const std::string lower = lowerCase(blasPath);
    if (lower.find("openblas") != std::string::npos) {
        info.blasName = "OpenBLAS";
        using ConfigFunction = char *(*)();
        if (auto *config = reinterpret_cast<ConfigFunction>(::dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
            const std::string text = config();
            const size_t version = text.find("OpenBLAS ");
            if (version != std::string::npos) {
                const std::string rest = text.substr(version + 9);
                info.blasName += " " + rest.substr(0, rest.find(' '));
            }
        }
        std::string detail = lower.find("openmp") != std::string::npos    ? "OpenMP"
                             : lower.find("pthread") != std::string::npos ? "pthreads"
                                                                          : "";
        using CoreFunction = char *(*)();
        if (auto *core = reinterpret_cast<CoreFunction>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"))) {
            info.blasCore = core();
            detail += (detail.empty() ? "" : ", ") + info.blasCore + " kernels";
        }
        if (!detail.empty())
            info.blasName += " (" + detail + ")";
    } else if (lower.find("mkl") != std::string::npos) {
        info.blasName = "Intel MKL";
    } else if (lower.find("blis") != std::string::npos) {
        info.blasName = "BLIS";
    } else if (lower.find("atlas") != std::string::npos) {
        info.blasName = "ATLAS";
    } else if (lower.find("/blas/") != std::string::npos || lower.find("libblas.so") != std::string::npos ||
               lower.find("librefblas") != std::string::npos) {
        info.blasName = "reference BLAS (netlib)";
        info.referenceBlas = true;
    } else if (blasPath.empty()) {
        info.blasName = "no shared BLAS found (LibTorch's built-in kernels)";
    } else {
        info.blasName = blasPath.substr(blasPath.find_last_of('/') + 1);
    }
    if (info.referenceBlas)
        info.warning = "LibTorch is using the reference BLAS (" + blasPath +
                       "): matrix products run about 20x slower. Install OpenBLAS: "
                       "sudo apt-get install libopenblas0-openmp";
}

} // namespace

std::string RuntimeInfo::summary() const
{
    return blasName + " \xC2\xB7 " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
}

RuntimeInfo runtimeInfo()
{
    RuntimeInfo info;
    info.torchVersion = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                        std::to_string(TORCH_VERSION_PATCH);
    info.cores = availableCores();
    info.threads = at::get_num_threads();
    describeBlas(info);
    return info;
}

void preferFastBlasKernels(char **argv)
{
#if defined(__x86_64__) || defined(__i386__)
    if (!argv || !argv[0] || std::getenv("OPENBLAS_CORETYPE") || std::getenv("TESSERA_BLAS_RESTARTED"))
        return;
    using CoreFunction = char *(*)();
    auto *core = reinterpret_cast<CoreFunction>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    if (!core || lowerCase(core()) != "prescott")
        return;
    __builtin_cpu_init();
    const char *better =
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
            ? "SkylakeX"
        : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? "Haswell"
                                                                          : nullptr;
    if (!better)
        return;
    ::setenv("OPENBLAS_CORETYPE", better, 1);
    ::setenv("TESSERA_BLAS_RESTARTED", "1", 1); // never loop
    ::execv("/proc/self/exe", argv);
    // exec failed: carry on with the slow kernels.
#else
    (void)argv; // OpenBLAS picks ARM kernels by other means
#endif
}

RuntimeInfo configureRuntime(int threads)
{
    if (threads <= 0)
        threads = availableCores();
    at::set_num_threads(threads);
    using SetThreadsFunction = void (*)(int);
    if (auto *setThreads = reinterpret_cast<SetThreadsFunction>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        setThreads(threads);
    // glibc hands every freed block above its mmap threshold back to the kernel, so work that
    // allocates and frees the same activation buffers over and over (every training step, every
    // forward) page-faults them in again each time: 10% of a tiny GPT's step, measured with
    // perf. Blocks below 256 MiB now come from the heap and are reused; the heap is trimmed
    // once 512 MiB lie free at its top. The price: memory returns to the system later.
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    return runtimeInfo();
}

} // namespace tessera
