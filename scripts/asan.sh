#!/usr/bin/env bash
# The core test suites under AddressSanitizer + UndefinedBehaviorSanitizer with leak detection
# (the asan preset: Debug, -fsanitize=address,undefined). Run by `scripts/setup.sh --test` after
# the release suite. The subset is core's suites (every parser, model, tokenizer, scheduler,
# training-free job and the memory guard): the widget, panel and app suites would double the
# build on CI's 2 cores and their code reaches core through the same functions; the fuzz
# targets (fuzz_smoke) also run the parsers under both sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
suites=(tst_positionalencoding tst_safetensors tst_tableio tst_jobs tst_tokenizer tst_models tst_pipelines
        tst_attentionanalysis tst_visionlens tst_diffusion tst_memoryguard tst_cancellation tst_matching
        tst_projection tst_embeddingsources tst_seq2seq)
jobs=$(nproc)
echo "== building the core suites with ASan + UBSan (asan preset, $jobs jobs)"
cmake --preset asan >/dev/null
cmake --build build/asan -j "$jobs" --target "${suites[@]}"
echo "== running them (leaks reported as failures)"
regex="^($(IFS='|'; echo "${suites[*]}"))\$"
QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan -j "$jobs" -R "$regex" --output-on-failure
