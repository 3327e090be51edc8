#include "tessera/core/MemoryGuard.h"

#include "tessera/core/Error.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace tessera {
namespace {

std::atomic<uint64_t> g_budget{0}; // 0: the default

// "2G", "500M", "1048576"; 0 for anything else.
uint64_t parseBytes(const char *text)
{
    if (!text || !*text)
        return 0;
    char *end = nullptr;
    const double value = std::strtod(text, &end);
    if (end == text || !(value > 0))
        return 0;
    double factor = 1.0;
    switch (std::toupper(static_cast<unsigned char>(*end))) {
    case 'K':
        factor = 1024.0;
        break;
    case 'M':
        factor = 1024.0 * 1024.0;
        break;
    case 'G':
        factor = 1024.0 * 1024.0 * 1024.0;
        break;
    case '\0':
        break;
    default:
        return 0;
    }
    return uint64_t(value * factor);
}

uint64_t defaultBudget()
{
    if (const uint64_t fromEnvironment = parseBytes(std::getenv("TESSERA_MEMORY_BUDGET")))
        return fromEnvironment;
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0)
        return uint64_t(pages) * uint64_t(pageSize) / 2;
    return uint64_t(4) << 30; // unknown: 4 GB
}

} // namespace

uint64_t memoryBudget()
{
    const uint64_t set = g_budget.load();
    return set ? set : defaultBudget();
}

void checkMemoryBudgetSetting()
{
    const char *text = std::getenv("TESSERA_MEMORY_BUDGET");
    if (text && *text && parseBytes(text) == 0)
        throw Error("TESSERA_MEMORY_BUDGET=\"" + std::string(text).substr(0, 40) +
                    "\" is not a size: write a number of bytes or one with K, M or G (500M, 2G)");
}

void setMemoryBudget(uint64_t bytes)
{
    g_budget.store(bytes);
}

std::string formatBytes(double bytes)
{
    char text[64];
    if (bytes >= 1024.0 * 1024.0 * 1024.0)
        std::snprintf(text, sizeof text, "%.1f GB", bytes / (1024.0 * 1024.0 * 1024.0));
    else if (bytes >= 1024.0 * 1024.0)
        std::snprintf(text, sizeof text, "%.1f MB", bytes / (1024.0 * 1024.0));
    else if (bytes >= 1024.0)
        std::snprintf(text, sizeof text, "%.1f KB", bytes / 1024.0);
    else
        std::snprintf(text, sizeof text, "%.0f bytes", bytes);
    return text;
}

void requireMemory(double bytes, const std::string &what, const std::string &wayForward)
{
    const uint64_t budget = memoryBudget();
    if (bytes <= double(budget))
        return;
    const bool fromEnvironment = parseBytes(std::getenv("TESSERA_MEMORY_BUDGET")) != 0 && g_budget.load() == 0;
    throw Error(
        what + " would need " + formatBytes(bytes) + ", more than the memory budget of " + formatBytes(double(budget)) +
        (g_budget.load()   ? std::string(" (set by the application)")
         : fromEnvironment ? std::string(" (TESSERA_MEMORY_BUDGET)")
                           : std::string(" (half of this machine's memory; TESSERA_MEMORY_BUDGET changes it)")) +
        "; not attempted. " + wayForward);
}

} // namespace tessera
