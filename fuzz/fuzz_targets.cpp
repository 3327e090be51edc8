// libFuzzer targets for the parsers of files users open (issue [Hardening]). One source, one
// target per build: -DTARGET_SAFETENSORS, _CONFIG, _TOKENIZER_JSON, _UNIGRAM_JSON (a Unigram
// tokenizer.json, plus raw bytes for its Precompiled character map), _SENTENCEPIECE_MODEL (a
// SentencePiece .model, as XLM-R's and as T5's), _WORDPIECE, _BPE, _IDX,
// _TABLE, _DIFFUSION_CONFIG (UNet2DModel / toy denoiser config.json and scheduler_config.json),
// _PREPROCESSOR (preprocessor_config.json), _IMAGE (PNG, JPEG, BMP, TIFF, WebP through OpenCV,
// then resized and normalised as for a model), _DETR (a DETR config.json, a DETR
// preprocessor_config.json and a COCO annotation file, from one input). Each writes the input to a private temporary
// file (the loaders read files, as the app does), calls the loader and touches what it returns; tessera::Error is the
// expected way out, anything else (a crash, an ASan/UBSan report, another exception type, a timeout, an allocation
// beyond libFuzzer's -rss_limit_mb) is a finding. Built by fuzz/build.sh.

#include "tessera/core/ImageHeader.h"
#include "tessera/core/Datasets.h"
#include "tessera/core/Detr.h"
#include "tessera/core/Diffusion.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/TableIO.h"
#include "tessera/core/Tokenizer.h"

#include "../core/src/models/unet/DiffusionConfig.h"

#include <nlohmann/json.hpp>

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
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char *>(data), std::streamsize(size));
    return path;
}

// Two files from one input: split at the first 0xFF byte (or all in the first).
std::pair<std::string, std::string> halves(const uint8_t *data, size_t size)
{
    size_t cut = 0;
    while (cut < size && data[cut] != 0xff)
        ++cut;
    const std::string a(reinterpret_cast<const char *>(data), cut);
    const std::string b =
        cut < size ? std::string(reinterpret_cast<const char *>(data) + cut + 1, size - cut - 1) : std::string();
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
        if (info.dtype == tessera::DType::Bool || info.dtype == tessera::DType::I64 ||
            info.dtype == tessera::DType::I32 || info.dtype == tessera::DType::I16 ||
            info.dtype == tessera::DType::I8 || info.dtype == tessera::DType::U8)
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

// A Unigram tokenizer.json (the input up to the first 0xFF byte) and, when there are bytes after
// it, a Precompiled character map made of them (base64-encoded into the file's normalizer, so
// that mutations reach the trie reader rather than the base64 decoder).
void fuzzUnigramJson(const uint8_t *data, size_t size)
{
    const auto [text, charsmap] = halves(data, size);
    std::string file = text;
    if (!charsmap.empty()) {
        nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
        if (!root.is_object())
            return;
        static const char *const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string encoded;
        for (size_t i = 0; i < charsmap.size(); i += 3) {
            uint32_t chunk = uint32_t(uint8_t(charsmap[i])) << 16;
            if (i + 1 < charsmap.size())
                chunk |= uint32_t(uint8_t(charsmap[i + 1])) << 8;
            if (i + 2 < charsmap.size())
                chunk |= uint32_t(uint8_t(charsmap[i + 2]));
            encoded += alphabet[(chunk >> 18) & 63];
            encoded += alphabet[(chunk >> 12) & 63];
            encoded += i + 1 < charsmap.size() ? alphabet[(chunk >> 6) & 63] : '=';
            encoded += i + 2 < charsmap.size() ? alphabet[chunk & 63] : '=';
        }
        root["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", encoded}};
        file = root.dump();
    }
    put("tokenizer.json", reinterpret_cast<const uint8_t *>(file.data()), file.size());
    exercise(*tessera::loadTokenizer(workFolder() + "/tokenizer.json"));
}

// A SentencePiece .model: as T5's spiece.model and as XLM-R's sentencepiece.bpe.model (each
// folder's name picks the family).
void fuzzSentencePieceModel(const uint8_t *data, size_t size)
{
    for (const char *name : {"spiece.model", "sentencepiece.bpe.model"}) {
        const std::string folder = workFolder() + "/" + name + ".d";
        ::mkdir(folder.c_str(), 0700);
        std::ofstream(folder + "/" + name, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char *>(data), std::streamsize(size));
        try {
            exercise(*tessera::loadTokenizer(folder));
        } catch (const tessera::Error &) {
        }
    }
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

// One input is all three diffusion configs a model folder holds: parsed as a UNet2DModel and as
// a toy denoiser config (with the weight lists they imply), and as a scheduler config.
void fuzzDiffusionConfig(const uint8_t *data, size_t size)
{
    const std::string path = put("config.json", data, size);
    try {
        const nlohmann::json j = tessera::diffusion::detail::readJson(path);
        try {
            (void)tessera::diffusion::detail::unetWeightShapes(tessera::diffusion::detail::parseUNetConfig(j, path));
        } catch (const tessera::Error &) {
        }
        (void)tessera::diffusion::detail::toyWeightShapes(tessera::diffusion::detail::parseToyConfig(j, path));
    } catch (const tessera::Error &) {
    }
    (void)tessera::diffusion::SchedulerConfig::fromFile(path);
}

#ifndef TESSERA_FUZZ_PORTABLE // the portable binary links no OpenCV (Debian has no static one)
void fuzzPreprocessor(const uint8_t *data, size_t size)
{
    (void)tessera::ImagePreprocessing::fromFile(put("preprocessor_config.json", data, size));
}

void fuzzImage(const uint8_t *data, size_t size)
{
    const std::string path = put("image", data, size);
    tessera::ImagePreprocessing p;
    p.height = p.width = 32;
    for (int64_t channels : {int64_t(3), int64_t(1)}) {
        const tessera::Image8 image = tessera::readImage(path, channels);
        if (size_t(image.width * image.height * image.channels) != image.pixels.size())
            std::abort(); // the decoder's size and the pixels disagree
        p.mean.assign(size_t(channels), 0.5);
        p.std.assign(size_t(channels), 0.5);
        (void)tessera::normalizePixels(tessera::resizeForModel(image, p), p);
    }
}

// One input is what a DETR folder and its ground truth hold: config.json, the image
// processor's preprocessor_config.json (its sizes then applied to a small image) and a COCO
// annotation file read against five classes.
void fuzzDetr(const uint8_t *data, size_t size)
{
    const std::string path = put("detr.json", data, size);
    try {
        (void)tessera::detr::DetrConfig::fromFile(path);
    } catch (const tessera::Error &) {
    }
    try {
        const tessera::detr::DetrPreprocessing p = tessera::detr::DetrPreprocessing::fromFile(path);
        tessera::Image8 image;
        image.width = 7;
        image.height = 5;
        image.channels = 3;
        image.pixels.assign(7 * 5 * 3, 100);
        const auto [h, w] = tessera::detr::resizedSize(image.height, image.width, p.shortestEdge, p.longestEdge);
        if (h < 1 || w < 1)
            std::abort();                // a resize to nothing
        if (h * w <= (int64_t(1) << 18)) // the resize itself is OpenCV's, fuzzed by the image target
            (void)tessera::detr::detrPreprocess(image, p);
    } catch (const tessera::Error &) {
    }
    const tessera::detr::GroundTruth truth =
        tessera::detr::readCocoAnnotations(path, "a.jpg", 640, 480, {"a", "b", "c", "d", "e"});
    for (int64_t label : truth.labels)
        if (label < 0 || label >= 5)
            std::abort(); // a class the model does not have
}
#endif

#if defined(TARGET_IMAGE_HEADER) || defined(TARGET_ALL)
// The header readers readImage consults before decoding: any bytes give a size or nothing.
void fuzzImageHeader(const uint8_t *data, size_t size)
{
    const tessera::ImageSize s =
        tessera::imageSizeFromHeader(std::string_view(reinterpret_cast<const char *>(data), size));
    if (s.format.empty() && (s.width != 0 || s.height != 0))
        std::abort(); // a size without a format
}
#endif

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
#elif defined(TARGET_UNIGRAM_JSON)
    return fuzzUnigramJson;
#elif defined(TARGET_SENTENCEPIECE_MODEL)
    return fuzzSentencePieceModel;
#elif defined(TARGET_WORDPIECE)
    return fuzzWordPiece;
#elif defined(TARGET_BPE)
    return fuzzBpe;
#elif defined(TARGET_IDX)
    return fuzzIdx;
#elif defined(TARGET_TABLE)
    return fuzzTable;
#elif defined(TARGET_DIFFUSION_CONFIG)
    return fuzzDiffusionConfig;
#elif defined(TARGET_PREPROCESSOR)
    return fuzzPreprocessor;
#elif defined(TARGET_IMAGE)
    return fuzzImage;
#elif defined(TARGET_DETR)
    return fuzzDetr;
#elif defined(TARGET_IMAGE_HEADER)
    return fuzzImageHeader;
#elif defined(TARGET_ALL)
    static const Target target = [] {
        const char *name = std::getenv("TESSERA_FUZZ_TARGET");
        const std::string n = name ? name : "";
        if (n == "safetensors")
            return fuzzSafetensors;
        if (n == "config")
            return fuzzConfig;
        if (n == "tokenizer_json")
            return fuzzTokenizerJson;
        if (n == "unigram_json")
            return fuzzUnigramJson;
        if (n == "sentencepiece_model")
            return fuzzSentencePieceModel;
        if (n == "wordpiece")
            return fuzzWordPiece;
        if (n == "bpe")
            return fuzzBpe;
        if (n == "idx")
            return fuzzIdx;
        if (n == "table")
            return fuzzTable;
        if (n == "diffusion_config")
            return fuzzDiffusionConfig;
        if (n == "image_header")
            return fuzzImageHeader;
        std::fprintf(
            stderr,
            "set TESSERA_FUZZ_TARGET to safetensors, config, tokenizer_json, unigram_json, sentencepiece_model, "
            "wordpiece, bpe, idx, table, image_header, "
            "or diffusion_config (preprocessor and image are built only without --portable)\n");
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
