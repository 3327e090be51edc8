#!/usr/bin/env python3
"""The reference side of bench/bench_projection.sh: scikit-learn's PCA and TSNE and umap-learn's
UMAP on the same .npy matrix, with the same defaults Tessera uses, timed as median of repeated
runs; trustworthiness (k = 10, sklearn.manifold.trustworthiness) of every layout, Tessera's
included (its coordinates are read from the .npy files tessera-cli wrote), so both are judged by
the same code. Usage: bench_projection.py DATA.npy METHOD RUNS [TESSERA_COORDS.npy ...]"""
import sys
import time

import numpy as np


def trust(x, y):
    from sklearn.manifold import trustworthiness
    return trustworthiness(x, y, n_neighbors=10)


def main():
    path, method, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ours = sys.argv[4:]
    x = np.load(path).astype(np.float32)
    times, layout = [], None
    if method == "pca":
        from sklearn.decomposition import PCA
        for _ in range(runs):
            start = time.perf_counter()
            layout = PCA(n_components=2, random_state=0).fit_transform(x)
            times.append(time.perf_counter() - start)
        name = "sklearn.decomposition.PCA (svd_solver auto)"
    elif method == "tsne":
        from sklearn.manifold import TSNE
        for run in range(runs):
            start = time.perf_counter()
            layout = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=run).fit_transform(x)
            times.append(time.perf_counter() - start)
        name = "sklearn.manifold.TSNE (barnes_hut, perplexity 30, pca init, auto learning rate)"
    else:
        start = time.perf_counter()
        import umap  # numba compiles on first use: the cold start counts the import and the first fit
        cold = umap.UMAP(n_neighbors=15, min_dist=0.1).fit_transform(x)
        cold_time = time.perf_counter() - start
        print(f"  umap-learn cold (import + JIT + first fit): {cold_time:.2f} s")
        for _ in range(runs):
            start = time.perf_counter()
            layout = umap.UMAP(n_neighbors=15, min_dist=0.1).fit_transform(x)
            times.append(time.perf_counter() - start)
        name = "umap-learn UMAP (n_neighbors 15, min_dist 0.1, no random_state: parallel), warm"
    import sklearn
    print(f"  {name}, scikit-learn {sklearn.__version__}: median {np.median(times):.2f} s over {runs} runs "
          f"({', '.join(f'{t:.2f}' for t in times)}); trustworthiness@10 {trust(x, layout):.4f}")
    for coords in ours:
        print(f"  trustworthiness@10 of {coords} (Tessera, judged by sklearn): {trust(x, np.load(coords)):.4f}")
    sys.stdout.flush()
    return np.median(times)


if __name__ == "__main__":
    main()
