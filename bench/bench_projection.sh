#!/usr/bin/env bash
# Projections side by side with scikit-learn and umap-learn (Debian's python3-sklearn, umap-learn)
# on the same data, the same threads and the same OpenBLAS kernels.
#   10,000 x 768: Fashion-MNIST test images (the central 768 of 784 pixels, /255)
#   100,000 x 128: 20 Gaussian clusters (seeded), Tessera only: time and peak memory
# Usage: bench/bench_projection.sh [BUILD_DIR] [RUNS]   Prints a report; appends it to
# bench/results/<date>-<host>-projection.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
runs=${2:-3}
cli=$build/bin/tessera-cli
[[ -x $cli ]] || { echo "bench_projection.sh: build first (bash scripts/setup.sh)" >&2; exit 1; }
python=/usr/bin/python3
$python -c "import sklearn, umap" 2>/dev/null || { echo "needs: apt-get install python3-sklearn umap-learn" >&2; exit 1; }
work=${TMPDIR:-/tmp}/tessera-bench-projection
mkdir -p "$work" bench/results
out=bench/results/$(date +%Y-%m-%d)-$(hostname -s)-projection.txt
threads=$(nproc)
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads NUMBA_NUM_THREADS=$threads
# tessera-cli restarts itself with OPENBLAS_CORETYPE set when OpenBLAS fell back to its
# Prescott kernels (see core/Runtime.h); give Python the same kernels.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  core=$($cli info | sed -n 's/.*OpenMP, \([A-Za-z0-9]*\) kernels.*/\1/p' | head -1)
  [[ -n $core ]] && export OPENBLAS_CORETYPE=$core
fi
$python - "$work" <<'PY'
import gzip, os, sys
import numpy as np
work = sys.argv[1]
if not os.path.exists(f"{work}/fmnist10k.npy"):
    with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
        raw = f.read()
    x = np.frombuffer(raw, np.uint8, offset=16).reshape(10000, 784)[:, 8:776].astype(np.float32) / 255.0
    np.save(f"{work}/fmnist10k.npy", x)
if not os.path.exists(f"{work}/clusters100k.npy"):
    rng = np.random.default_rng(7)
    centres = rng.normal(0, 4, (20, 128)).astype(np.float32)
    labels = rng.integers(0, 20, 100000)
    np.save(f"{work}/clusters100k.npy", (centres[labels] + rng.normal(0, 1, (100000, 128))).astype(np.float32))
PY
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
{
  echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')  projections"
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p') · $threads cores; $($cli info | grep -i blas | head -1)"
  echo "threads: $threads for both (OMP / OpenBLAS / numba); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} for both"
  for method in pca tsne umap; do
    echo
    echo "-- $method, 10000 x 768 (Fashion-MNIST test images)"
    times=()
    for run in $(seq "$runs"); do
      line=$($cli project --source "$work/fmnist10k.npy" --method $method --seed $run --quality-k 0 --out "$work/tessera-$method-$run.npy" 2>/dev/null | head -1)
      times+=("$(awk '{for (i = 1; i < NF; ++i) if ($i == "seconds") print $(i + 1)}' <<<"$line")")
      echo "  tessera run $run: $line"
    done
    echo "  tessera: median $(median "${times[@]}") s over $runs runs, each a fresh process (${times[*]})"
    if [[ $method == pca ]]; then
      # Sub-second: also warm runs in one process, as the Python side times them.
      echo "  tessera warm: $($cli project --source "$work/fmnist10k.npy" --method pca --quality-k 0 --repeat $((runs + 1)) --out "$work/tessera-pca-1.npy" 2>/dev/null | head -1)"
    fi
    # scikit-learn's t-SNE takes minutes a run here: at most two of them.
    pyruns=$runs
    [[ $method == tsne && $runs -gt 2 ]] && pyruns=2
    $python bench/bench_projection.py "$work/fmnist10k.npy" $method "$pyruns" "$work/tessera-$method-1.npy"
  done
  echo
  echo "-- 100000 x 128 (20 Gaussian clusters), Tessera, no sampling: wall time and peak resident memory"
  for method in tsne umap; do
    /usr/bin/time -f "  peak memory %M KB, wall %e s" $cli project --source "$work/clusters100k.npy" --method $method --out "$work/tessera-$method-100k.npy" 2>&1 | grep -v "%  " | sed 's/^/  /'
  done
} | tee -a "$out"
