#pragma once
// Timing for the benchmarks: the median wall time of repeated runs after one warm-up run.

#include <algorithm>
#include <chrono>
#include <vector>

namespace tessera::bench {

template <class F> double medianMs(int runs, F f)
{
    f(); // warm-up: first-touch allocations, OpenMP thread start
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

} // namespace tessera::bench
