#include "tessera/core/Runtime.h"

// The only translation unit of this layer that needs torch so far: keep the includes narrow,
// <torch/torch.h> costs 20-50 s of compile time per file.
#include <ATen/Parallel.h>
#include <torch/csrc/api/include/torch/version.h>

#include <climits>
#include <cstdlib>
#include <dlfcn.h>
#include <link.h>
#include <sched.h>
#include <string>
#include <thread>
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

void describeBlas(RuntimeInfo &info)
{
    std::vector<std::string> libraries;
    dl_iterate_phdr(collectLibrary, &libraries);
    std::string blasPath;
    for (const std::string &name : libraries) {
        const std::string real = resolved(name);
        const std::string file = real.substr(real.find_last_of('/') + 1);
        const bool isBlas = file.rfind("libblas.so", 0) == 0 || file.rfind("libopenblas", 0) == 0 ||
                            file.rfind("libmkl_rt", 0) == 0 || file.rfind("libblis", 0) == 0;
        if (isBlas) {
            blasPath = real;
            break;
        }
    }
    info.blasLibrary = blasPath;

    // OpenBLAS exports its configuration; look it up in whatever the process loaded.
    using ConfigFunction = char *(*)();
    auto *config = reinterpret_cast<ConfigFunction>(::dlsym(RTLD_DEFAULT, "openblas_get_config"));
    if (config) {
        const std::string text = config();
        info.blasName = "OpenBLAS";
        const size_t version = text.find("OpenBLAS ");
        if (version != std::string::npos) {
            const std::string rest = text.substr(version + 9);
            info.blasName += " " + rest.substr(0, rest.find(' '));
        }
        if (blasPath.find("openmp") != std::string::npos)
            info.blasName += " (OpenMP)";
        else if (blasPath.find("pthread") != std::string::npos)
            info.blasName += " (pthreads)";
    } else if (::dlsym(RTLD_DEFAULT, "mkl_get_max_threads")) {
        info.blasName = "Intel MKL";
    } else if (::dlsym(RTLD_DEFAULT, "bli_info_get_version_str")) {
        info.blasName = "BLIS";
    } else if (blasPath.find("/blas/") != std::string::npos || blasPath.find("libblas.so") != std::string::npos) {
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

RuntimeInfo configureRuntime(int threads)
{
    if (threads <= 0)
        threads = availableCores();
    at::set_num_threads(threads);
    using SetThreadsFunction = void (*)(int);
    if (auto *setThreads = reinterpret_cast<SetThreadsFunction>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        setThreads(threads);
    return runtimeInfo();
}

} // namespace tessera
