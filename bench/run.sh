#!/usr/bin/env bash
# Runs Tessera's benchmarks and records the machine, BLAS and thread count with every figure.
# Usage: bench/run.sh [BUILD_DIR]   (default build/release; build it first with scripts/setup.sh)
# Results are printed and appended to bench/results/<date>-<host>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
[[ -x $build/bin/tessera-cli ]] || { echo "bench/run.sh: build first (bash scripts/setup.sh --test)" >&2; exit 1; }
mkdir -p bench/results
out=bench/results/$(date +%Y-%m-%d)-$(hostname -s).txt
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
if [[ -z "${XDG_RUNTIME_DIR:-}" ]]; then
  export XDG_RUNTIME_DIR=$(mktemp -d)
fi
{
  echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p') · $(nproc) cores · $(free -g | awk '/Mem:/ {print $2}') GiB"
  "$build/bin/tessera-cli" info | sed -n 's/^\(LibTorch\|BLAS\|Threads\)/\1/p'
  echo "Qt platform: $QT_QPA_PLATFORM"
  echo
  echo "-- start to first painted window (target < 1000 ms), 10 runs"
  firsts=(); launches=()
  for i in $(seq 10); do
    start=$(date +%s%3N)
    report=$("$build/bin/tessera" --quit-after-first-paint 2>/dev/null)
    firsts+=("$(awk '/first-paint-ms/ {print $2}' <<<"$report")")
    launches+=("$(( $(awk '/first-paint-epoch-ms/ {print $2}' <<<"$report") - start ))")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  echo "launch to first painted frame (incl. loading LibTorch and plugins): median $(median "${launches[@]}") ms   (runs: ${launches[*]})"
  echo "of which after main(): median $(median "${firsts[@]}") ms"
  echo
  echo "-- exact heatmap (1000 x 800 widget)"
  "$build/bench/bench_heatmap"
  echo
  echo "-- attention explorer at 12 layers x 12 heads x 512 tokens (targets: head switch < 16 ms, model view < 100 ms)"
  "$build/bench/bench_attention" 2>/dev/null
  echo
  threads=$(nproc)
  checkpoint=${TMPDIR:-/tmp}/tessera-bench-bert-base
  echo "-- BERT-base forward (12 x 768, random weights, batch 1), $threads threads, median of 5 (targets:"
  echo "   full capture within 1.15x of the matrix products alone; no slower than Python PyTorch)"
  "$build/bench/bench_bert" "$checkpoint" "$threads" 5
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    /usr/bin/python3 bench/bench_bert.py "$checkpoint" "$threads" 5
  else
    echo "python3-torch is not installed: apt-get install python3-torch to compare with Python PyTorch"
  fi
  echo
  corpus=../shared/seeds/002_0b20f108568e6458.txt
  [[ -f $corpus ]] || corpus=README.md
  echo "-- training steps: tiny GPT (gpt-text) and tiny BERT (bert-text) on $corpus, $threads threads,"
  echo "   150 steps, first 10 dropped (target: faster than the identical model in Python PyTorch)"
  "$build/bench/bench_training" "$corpus" "$threads" 150 2>/dev/null
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    /usr/bin/python3 bench/bench_training.py "$corpus" "$threads" 150
  fi
  echo
  echo "-- Qwen2.5-0.5B-shaped decoder (24 x 896, 14 over 2 key/value heads, float32 random weights), $threads threads,"
  echo "   median of 3 (targets: full capture within 1.2x of the matrix products alone; no slower than Python PyTorch)"
  "$build/bench/bench_decoder" "${TMPDIR:-/tmp}/tessera-bench-qwen2-0.5b" "$threads" 3 2048
  if /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
    /usr/bin/python3 bench/bench_decoder.py "${TMPDIR:-/tmp}/tessera-bench-qwen2-0.5b" "$threads" 3 2048
  fi
  echo
  echo "-- ViT-B/16-shaped forward (224/16, 12 x 768, random weights), $threads threads, median of 9 (target:"
  echo "   the mean attention distance adds < 5% to the forward time)"
  "$build/bench/bench_vit" "${TMPDIR:-/tmp}/tessera-bench-vit-b16" "$threads" 9
  echo
  echo "-- diffusion: a ddpm-cifar10-32-shaped UNet (35.7 M parameters, random weights), $threads threads (targets:"
  echo "   DDIM-50 about 20x faster than DDPM-1000; the scheduler adds < 5% to the UNet's time)"
  "$build/bench/bench_diffusion" "${TMPDIR:-/tmp}/tessera-bench-unet-cifar" "$threads" 1000
  if /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
    /usr/bin/python3 bench/bench_unet.py "${TMPDIR:-/tmp}/tessera-bench-unet-cifar" "$threads" 9
  fi
  echo
  echo "-- Hungarian assignment on DETR's shapes against scipy (target: no slower), one thread"
  "$build/bench/bench_matching" 200
  if /usr/bin/python3 -c "import scipy" 2>/dev/null; then
    OMP_NUM_THREADS=1 /usr/bin/python3 bench/bench_matching.py 200
  fi
  echo
  echo "-- DETR-R50-shaped forward on an 800 x 1066 image (random weights), $threads threads, median of 5"
  "$build/bench/bench_detr" "${TMPDIR:-/tmp}/tessera-bench-detr-r50" "$threads" 5
  echo
  echo "-- Lens: residual patching sweep, 12 layers x 32 positions, GPT-2-small-shaped (random weights), $threads threads,"
  echo "   median of 3 (targets: < 10 s; faster than the Python hook loop)"
  "$build/bench/bench_lens" "${TMPDIR:-/tmp}/tessera-bench-gpt2-small" "$threads" 3
  if /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
    /usr/bin/python3 bench/bench_lens.py "${TMPDIR:-/tmp}/tessera-bench-gpt2-small" "$threads" 3
  fi
  echo
  echo "-- live plotting while training (target: overhead < 2%)"
  "$build/bench/bench_training_plot" "$threads" 600 3 2>/dev/null
  echo
} | tee -a "$out"
echo "appended to $out"
