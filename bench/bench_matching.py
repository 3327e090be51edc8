#!/usr/bin/env python3
"""scipy.optimize.linear_sum_assignment on the matrices bench_matching builds (the same 64-bit
LCG, seed 12345), median of repeated runs. Usage: bench_matching.py [runs]"""
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment


def lcg_costs(rows, cols, seed):
    mask = (1 << 64) - 1
    x = seed
    values = np.empty(rows * cols)
    for i in range(rows * cols):
        x = (x * 6364136223846793005 + 1442695040888963407) & mask
        values[i] = (x >> 11) / 9007199254740992.0
    return values.reshape(rows, cols)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    import scipy
    print(f"scipy {scipy.__version__} linear_sum_assignment, median of {runs} runs (ms):")
    for rows, cols in ((100, 100), (100, 20), (300, 50)):
        c = lcg_costs(rows, cols, 12345)
        linear_sum_assignment(c)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            r, k = linear_sum_assignment(c)
            times.append((time.perf_counter() - start) * 1000.0)
        times.sort()
        print(f"  scipy   {rows:3d} x {cols:<3d}  {times[len(times) // 2]:8.4f} ms   total {c[r, k].sum():.12f}")


if __name__ == "__main__":
    main()
