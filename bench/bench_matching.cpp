// Hungarian assignment (matching::linearSumAssignment) on the shapes DETR meets: 100 x 100,
// 100 x 20 (100 queries, 20 objects) and 300 x 50, uniform costs from a 64-bit LCG that
// bench_matching.py reproduces exactly, so scipy solves the same matrices. Single-threaded
// (the solver is sequential). Usage: bench_matching [runs]

#include "tessera/core/Matching.h"

#include "Timing.h"

#include <cstdio>
#include <cstdlib>

using namespace tessera;

namespace {

// x <- 6364136223846793005 x + 1442695040888963407 (mod 2^64); value = top 53 bits / 2^53.
matching::CostMatrix lcgCosts(int64_t rows, int64_t cols, uint64_t seed)
{
    matching::CostMatrix c{rows, cols, std::vector<double>(size_t(rows * cols))};
    uint64_t x = seed;
    for (double &v : c.values) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        v = double(x >> 11) / 9007199254740992.0;
    }
    return c;
}

} // namespace

int main(int argc, char **argv)
{
    const int runs = argc > 1 ? std::atoi(argv[1]) : 200;
    std::printf("linear sum assignment, median of %d runs (ms), one thread; totals to compare with scipy's:\n", runs);
    const int64_t shapes[][2] = {{100, 100}, {100, 20}, {300, 50}};
    for (const auto &s : shapes) {
        const matching::CostMatrix c = lcgCosts(s[0], s[1], 12345);
        double total = 0.0;
        const double ms = bench::medianMs(runs, [&] { total = matching::linearSumAssignment(c).total; });
        std::printf("  tessera %3lld x %-3lld  %8.4f ms   total %.12f\n", static_cast<long long>(s[0]),
                    static_cast<long long>(s[1]), ms, total);
    }
    return 0;
}
