// libFuzzer targets for the parsers of files users open (issue [Hardening]). One source, one
// target per build: -DTARGET_SAFETENSORS, _CONFIG, _TOKENIZER_JSON, _WORDPIECE, _BPE, _IDX,
// _TABLE. Each writes the input to a private temporary file (the loaders read files, as the
// app does), calls the loader and touches what it returns; tessera::Error is the expected
// way out, anything else (a crash, an ASan/UBSan report, another exception type, a timeout, an
// allocation beyond libFuzzer's -rss_limit_mb) is a finding. Built by fuzz/build.sh.

#include "tessera/core/Datasets.h"
#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/TableIO.h"
#include "tessera/core/Tokenizer.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// A folder of our own for this process, created once.
const std::string &workFolder()
{
    static const std::string folder = [] {
        char pattern[] = "/tmp/tessera-fuzz-XXXXXX";
        const char *made = mkdtemp(pattern);
        if (!made)
            std::abort();
        return std::string(made);
    }();
    return folder;
}

std::string put(const std::string &name, const uint8_t *data, size_t size)
{
    const std::string path = workFolder() + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char *>(data), std::streamsize(size));
    return path;
}

// Two files from one input: split at the first 0xFF byte (or all in the first).
std::pair<std::string, std::string> halves(const uint8_t *data, size_t size)
{
    size_t cut = 0;
    while (cut < size && data[cut] != 0xff)
        ++cut;
    const std::string a(reinterpret_cast<const char *>(data), cut);
    const std::string b = cut < size ? std::string(reinterpret_cast<const char *>(data) + cut + 1, size - cut - 1) : std::string();
    return {a, b};
}

void exercise(tessera::Tokenizer &tokenizer)
{
    for (const char *text : {"Hello, world!", "안녕하세요 [MASK] 🙂", "", "a\tb\nc  d"}) {
        const tessera::Encoding e = tokenizer.encode(text, true);
        (void)tokenizer.decode(e.ids, true);
    }
    (void)tokenizer.encodePair("first", "second", true);
}

void fuzzSafetensors(const uint8_t *data, size_t size)
{
    tessera::SafetensorsFile file(put("input.safetensors", data, size));
    for (const std::string &key : file.keys()) {
        const tessera::TensorInfo &info = file.info(key);
        if (info.dtype == tessera::DType::Bool || info.dtype == tessera::DType::I64 || info.dtype == tessera::DType::I32 ||
            info.dtype == tessera::DType::I16 || info.dtype == tessera::DType::I8 || info.dtype == tessera::DType::U8)
            (void)file.readInt64(key);
        else
            (void)file.readFloat(key);
    }
}

void fuzzConfig(const uint8_t *data, size_t size)
{
    const tessera::ModelConfig config = tessera::ModelConfig::fromFile(put("config.json", data, size));
    (void)config.parameterCount();
}

void fuzzTokenizerJson(const uint8_t *data, size_t size)
{
    put("tokenizer.json", data, size);
    exercise(*tessera::loadTokenizer(workFolder() + "/tokenizer.json"));
}

void fuzzWordPiece(const uint8_t *data, size_t size)
{
    put("vocab.txt", data, size);
    exercise(*tessera::loadTokenizer(workFolder() + "/vocab.txt"));
}

void fuzzBpe(const uint8_t *data, size_t size)
{
    const auto [vocab, merges] = halves(data, size);
    const std::string folder = workFolder() + "/bpe";
    ::mkdir(folder.c_str(), 0700);
    std::ofstream(folder + "/vocab.json", std::ios::trunc) << vocab;
    std::ofstream(folder + "/merges.txt", std::ios::trunc) << merges;
    exercise(*tessera::loadTokenizer(folder + "/vocab.json"));
}

void fuzzIdx(const uint8_t *data, size_t size)
{
    std::vector<int64_t> dimensions;
    (void)tessera::readIdx(put(size > 1 && data[0] == 0x1f ? "input.gz" : "input.idx", data, size), dimensions);
}

void fuzzTable(const uint8_t *data, size_t size)
{
    const bool npy = size >= 6 && data[0] == 0x93;
    (void)tessera::readMatrix(put(npy ? "input.npy" : "input.csv", data, size));
}

using Target = void (*)(const uint8_t *, size_t);

// The target this binary fuzzes: fixed at compile time, or (TARGET_ALL, one binary for long runs
// elsewhere) named by TESSERA_FUZZ_TARGET.
Target chosen()
{
#if defined(TARGET_SAFETENSORS)
    return fuzzSafetensors;
#elif defined(TARGET_CONFIG)
    return fuzzConfig;
#elif defined(TARGET_TOKENIZER_JSON)
    return fuzzTokenizerJson;
#elif defined(TARGET_WORDPIECE)
    return fuzzWordPiece;
#elif defined(TARGET_BPE)
    return fuzzBpe;
#elif defined(TARGET_IDX)
    return fuzzIdx;
#elif defined(TARGET_TABLE)
    return fuzzTable;
#elif defined(TARGET_ALL)
    static const Target target = [] {
        const char *name = std::getenv("TESSERA_FUZZ_TARGET");
        const std::string n = name ? name : "";
        if (n == "safetensors") return fuzzSafetensors;
        if (n == "config") return fuzzConfig;
        if (n == "tokenizer_json") return fuzzTokenizerJson;
        if (n == "wordpiece") return fuzzWordPiece;
        if (n == "bpe") return fuzzBpe;
        if (n == "idx") return fuzzIdx;
        if (n == "table") return fuzzTable;
        std::fprintf(stderr, "set TESSERA_FUZZ_TARGET to safetensors, config, tokenizer_json, wordpiece, bpe, idx or table\n");
        std::abort();
    }();
    return target;
#else
#error "define one TARGET_..."
#endif
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        chosen()(data, size);
    } catch (const tessera::Error &) {
        // The expected refusal: a clear message, nothing else.
    }
    return 0;
}
