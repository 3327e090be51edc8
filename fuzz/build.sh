#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/fuzz_targets.cpp) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer over the parsers of core that need no LibTorch.
# Usage: fuzz/build.sh [OUT_DIR] [--portable]
#   --portable links ICU, zlib and the C++ library statically, so that the binaries run on a
#   machine without Tessera's build dependencies (a bigger machine for long runs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/fuzz}
portable=0
[[ "${2:-}" == "--portable" ]] && portable=1
command -v clang++ >/dev/null || { echo "fuzz/build.sh: clang++ is missing (apt-get install clang)" >&2; exit 1; }
mkdir -p "$out/obj"
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
flags="-std=c++17 -O1 -g $sanitize -Icore/include -Icore/src $(pkg-config --cflags opencv4 libpcre2-8) -DTESSERA_FUZZ"
# Paths under core/src; ModelConfig reads its families' keys through models/Registry and their
# <Family>Config files (no LibTorch in any of them).
sources=(Error FileIO Matrix Safetensors TableIO Tokenizer UnicodeText tokenizers/Pipeline tokenizers/Decoding tokenizers/Bpe tokenizers/Unigram
  tokenizers/JsonTokenizer tokenizers/SentencePieceModel ModelConfig models/Registry models/bert/BertConfig
  models/distilbert/DistilBertConfig models/gpt2/Gpt2Config models/llama/LlamaConfig models/vit/VitConfig Datasets Log Job
  models/unet/DiffusionConfig Pipelines
  models/detr/DetrConfig models/t5/T5Config models/bart/BartConfig ImageHeader)
objects=()
for s in "${sources[@]}"; do
  o="$out/obj/${s//\//_}.o"
  if [[ ! -f $o || core/src/$s.cpp -nt $o ]]; then
    clang++ $flags -fsanitize=fuzzer-no-link -c "core/src/$s.cpp" -o "$o"
  fi
  objects+=("$o")
done
if (( portable )); then
  # OpenCV has no static libraries in Debian: the portable binary leaves out Pipelines and
  # DetrConfig (the preprocessor, image and detr targets), which run here.
  libs="-static-libstdc++ -static-libgcc -Wl,-Bstatic -licuuc -licudata -lpcre2-8 -lz -Wl,-Bdynamic -ldl -lpthread -lm"
  objects=("${objects[@]/*Pipelines.o/}")
  objects=("${objects[@]/*DetrConfig.o/}")
else
  libs="-licuuc -lz $(pkg-config --libs opencv4 libpcre2-8)"
fi
if (( portable )); then
  # One binary for every target (TESSERA_FUZZ_TARGET picks), without debug sections: the
  # static ICU data alone is 30 MB.
  clang++ $flags -fsanitize=fuzzer -DTARGET_ALL -DTESSERA_FUZZ_PORTABLE fuzz/fuzz_targets.cpp ${objects[@]} $libs -o "$out/fuzz_all"
  strip --strip-debug "$out/fuzz_all"
else
  for target in safetensors config tokenizer_json unigram_json sentencepiece_model wordpiece bpe idx table diffusion_config preprocessor image detr image_header; do
    upper=$(tr '[:lower:]' '[:upper:]' <<<"$target")
    clang++ $flags -fsanitize=fuzzer -DTARGET_$upper fuzz/fuzz_targets.cpp "${objects[@]}" $libs -o "$out/fuzz_$target"
  done
fi
echo "fuzz targets in $out: $(cd "$out" && ls fuzz_* | tr '\n' ' ')"
