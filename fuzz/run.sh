#!/usr/bin/env bash
# Runs the fuzz targets built by fuzz/build.sh, each from its seed corpus (fuzz/corpus/TARGET,
# never written to: new inputs go to a working copy under the build folder).
# Usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET ...]      (SECONDS per target; all targets by default)
#        fuzz/run.sh BUILD_DIR runs:N [TARGET ...]       (N executions per target: the test suite's smoke run)
# Limits: 2 GiB of memory (an allocation beyond it is a finding), 10 s per input.
# Findings are written as BUILD_DIR/findings/TARGET/crash-* (or leak-, timeout-, oom-); the
# script exits non-zero when there is one.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS|runs:N [TARGET ...]}
budget=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS|runs:N [TARGET ...]}
shift 2
targets=("$@")
(( ${#targets[@]} )) || targets=(safetensors config tokenizer_json unigram_json sentencepiece_model wordpiece bpe idx table diffusion_config preprocessor image detr image_header)
if [[ $budget == runs:* ]]; then limit="-runs=${budget#runs:}"; else limit="-max_total_time=$budget"; fi
status=0
for t in "${targets[@]}"; do
  work="$build/work/$t"; findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  log="$build/fuzz_$t.log"
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$build/fuzz_$t" "$work" "fuzz/corpus/$t" $limit -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
      -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
  code=$?
  runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if (( code != 0 )) || ls "$findings" | grep -q .; then
    echo "fuzz_$t: FINDING after ${runs:-?} executions (exit $code); see $log and $findings"
    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/  /'
    status=1
  else
    echo "fuzz_$t: ${runs:-?} executions, no finding"
  fi
done
exit $status
