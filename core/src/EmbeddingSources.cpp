#include "tessera/core/EmbeddingSources.h"

#include "tessera/core/Datasets.h"
#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Model.h"
#include "tessera/core/Pipelines.h"
#include "tessera/core/Safetensors.h"
#include "tessera/core/TableIO.h"
#include "tessera/core/Tokenizer.h"
#include "tessera/core/Training.h"
#include "tessera/core/VisionLens.h"

#include <nlohmann/json.hpp>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

namespace fs = std::filesystem;

namespace tessera::projection {
namespace {

// ---- names, labels, categories ----------------------------------------------------------------

std::string baseName(const std::string &path)
{
    fs::path p(path);
    if (p.filename().empty())
        p = p.parent_path();
    return p.filename().string();
}

std::string dimensions(const Matrix &m)
{
    return "(" + std::to_string(m.rows) + " x " + std::to_string(m.cols) + ")";
}

std::vector<std::string> numbered(const std::string &prefix, int64_t count)
{
    std::vector<std::string> labels;
    labels.reserve(size_t(count));
    for (int64_t i = 0; i < count; ++i)
        labels.push_back(prefix + std::to_string(i));
    return labels;
}

// Each distinct label a category (in order of first appearance) when there are few enough.
void categoriseByLabel(EmbeddingSet &set)
{
    std::map<std::string, int> index;
    std::vector<int> category;
    std::vector<std::string> names;
    for (const std::string &label : set.labels) {
        auto [it, added] = index.emplace(label, int(names.size()));
        if (added) {
            if (int(names.size()) == kMaxCategories)
                return;
            names.push_back(label);
        }
        category.push_back(it->second);
    }
    set.category = std::move(category);
    set.categoryNames = std::move(names);
}

std::string foldCase(const std::string &text)
{
    std::string folded;
    icu::UnicodeString::fromUTF8(text).foldCase().toUTF8String(folded);
    return folded;
}

std::string trimmed(const std::string &text)
{
    const size_t begin = text.find_first_not_of(" \t\r\n");
    const size_t end = text.find_last_not_of(" \t\r\n");
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

// The first count code points of text, with an ellipsis when there were more.
std::string prefixOf(const std::string &text, size_t count)
{
    const std::u32string points = decodeUtf8(text, "sentence");
    return points.size() <= count ? text : encodeUtf8(points.substr(0, count)) + "\u2026";
}

// ---- matrices in safetensors files --------------------------------------------------------------

std::vector<int64_t> squeezedShape(std::vector<int64_t> shape)
{
    while (shape.size() > 2 && shape.front() == 1)
        shape.erase(shape.begin());
    return shape;
}

bool isFloat(DType dtype)
{
    return dtype == DType::F64 || dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

std::string listed(const std::vector<std::string> &names)
{
    if (names.empty())
        return "none";
    std::string text;
    for (size_t i = 0; i < names.size() && i < 8; ++i)
        text += (i ? ", " : "") + names[i];
    if (names.size() > 8)
        text += " and " + std::to_string(names.size() - 8) + " more";
    return text;
}

// One tensor of an open file as the point matrix [N, D]; refuses what is not one.
Matrix pointMatrix(const SafetensorsFile &file, const std::string &key)
{
    if (!file.contains(key))
        throw Error("no such tensor; the matrices here: " + listed(embeddingTensorNames(file.path())), file.path(),
                    key);
    const TensorInfo &info = file.info(key);
    const std::vector<int64_t> shape = squeezedShape(info.shape);
    if (shape.size() > 2)
        throw Error("is " + shapeToString(info.shape) +
                        ", more than two dimensions ([batch, tokens, hidden]?): pick one "
                        "2-D tensor, or save one slice x[i] (or every token, x.reshape(-1, " +
                        std::to_string(shape.back()) + ")) as its own tensor",
                    file.path(), key);
    if (shape.size() < 2 || shape[0] < 1 || shape[1] < 1)
        throw Error("is " + shapeToString(info.shape) + ": not a matrix with one row per point", file.path(), key);
    if (!isFloat(info.dtype))
        throw Error(std::string("holds ") + dtypeName(info.dtype) + " integers, not embedding vectors", file.path(),
                    key);
    return file.readFloat(key).toMatrix(key);
}

// ---- checkpoints --------------------------------------------------------------------------------

struct Located {
    std::string file;
    std::string key;
};

// The first of names found in the folder's model.safetensors (or the shards of its index), with
// or without an architecture prefix.
std::optional<Located> findWeight(const std::string &folder, const std::vector<std::string> &names)
{
    static const char *const prefixes[] = {"", "bert.", "transformer.", "vit.", "model.", "gpt2."};
    const std::string single = folder + "/model.safetensors";
    const std::string index = folder + "/model.safetensors.index.json";
    std::map<std::string, std::string> fileOf; // key -> shard
    if (fs::exists(single)) {
        const SafetensorsFile file(single);
        for (const std::string &key : file.keys())
            fileOf[key] = single;
    } else if (fs::exists(index)) {
        try {
            const nlohmann::json root = nlohmann::json::parse(readFile(index, 64u << 20));
            for (const auto &[key, shard] : root.at("weight_map").items()) {
                const std::string name = shard.get<std::string>();
                if (name.find('/') != std::string::npos)
                    throw Error("each shard must be a file name in this folder", index, key);
                fileOf[key] = folder + "/" + name;
            }
        } catch (const nlohmann::json::exception &e) {
            throw Error(std::string("not a valid shard index: ") + e.what(), index);
        }
    } else {
        for (const char *unsafe : {"pytorch_model.bin", "model.pt", "model.ckpt", "pytorch_model.bin.index.json"})
            if (fs::exists(folder + "/" + unsafe))
                throw Error(std::string(unsafe) +
                                " is a pickle file, which can run code when opened; Tessera never opens "
                                "it. Convert it to safetensors (model.save_pretrained(folder, "
                                "safe_serialization=True))",
                            folder);
        throw Error("no model.safetensors or model.safetensors.index.json here", folder);
    }
    for (const std::string &name : names)
        for (const char *prefix : prefixes) {
            const auto it = fileOf.find(prefix + name);
            if (it != fileOf.end())
                return Located{it->second, it->first};
        }
    return std::nullopt;
}

// A tokenizer when the folder has one (a broken one is an error), else null.
std::unique_ptr<Tokenizer> optionalTokenizer(const std::string &folder)
{
    for (const char *name : {"tokenizer.json", "vocab.txt", "vocab.json"})
        if (fs::exists(folder + "/" + name))
            return loadTokenizer(folder);
    return nullptr;
}

std::vector<std::string> vocabularyLabels(const Tokenizer *tokenizer, int64_t rows)
{
    std::vector<std::string> labels;
    labels.reserve(size_t(rows));
    const int64_t known = tokenizer ? tokenizer->vocabularySize() : 0;
    for (int64_t i = 0; i < rows; ++i)
        labels.push_back(i < known ? tokenizer->idToToken(i) : "id " + std::to_string(i));
    return labels;
}

// Why a checkpoint has no position table, from what its config.json says.
std::string positionHint(const std::string &folder)
{
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(readFile(folder + "/config.json", 16u << 20));
    } catch (const std::exception &) {
        return "";
    }
    const std::string type = config.value("position_embedding_type", std::string());
    if (!type.empty() && type != "absolute")
        return "; config.json says position_embedding_type \"" + type +
               "\": positions enter attention, there is no table";
    if (config.contains("rope_theta") || config.contains("rotary_dim") || config.contains("rope_scaling"))
        return "; config.json describes rotary position embeddings (RoPE), which are computed, not learned";
    return "; the model may use sinusoidal (fixed, computed) positions, which are not stored";
}

// ---- running text models --------------------------------------------------------------------------

struct TextModel {
    std::shared_ptr<const Model> model;
    std::unique_ptr<Tokenizer> tokenizer;
    int hiddenIndex = 0; // of hidden_states.{i}
    std::string name;
};

TextModel openTextModel(const std::string &folder, const std::vector<std::string> &sentences, int layer,
                        JobContext *context)
{
    if (sentences.empty())
        throw Error("no sentences to embed");
    TextModel text;
    text.name = baseName(folder);
    text.model = sharedModel(folder, context);
    const ModelConfig &c = text.model->info().config;
    if (!text.model->info().capabilities.textInput || text.model->info().capabilities.encoderDecoder)
        throw Error("token and sentence embeddings need a text model (BERT, RoBERTa, DistilBERT, GPT-2, ...), not " +
                        c.modelType,
                    folder);
    text.tokenizer = loadTokenizer(folder);
    const int layers = int(c.layers);
    if (layer > layers || layer < -(layers + 1))
        throw Error("layer " + std::to_string(layer) + " does not exist: the hidden states are 0 (embeddings) to " +
                        std::to_string(layers) + " (-1 = the last)",
                    folder);
    text.hiddenIndex = layer < 0 ? layers + 1 + layer : layer;
    return text;
}

struct SentenceStates {
    Encoding encoding;
    FloatTensor states; // [1, tokens, hidden]
};

SentenceStates runSentence(const TextModel &text, const std::string &sentence, size_t number)
{
    SentenceStates result;
    result.encoding = text.tokenizer->encode(sentence, true);
    const int64_t n = int64_t(result.encoding.ids.size());
    const int64_t limit = text.model->info().config.maxPositions;
    const std::string which = "sentence " + std::to_string(number + 1);
    if (n == 0)
        throw Error(which + " has no tokens");
    if (limit > 0 && n > limit)
        throw Error(which + " has " + std::to_string(n) + " tokens; " + text.name + " reads at most " +
                    std::to_string(limit));
    ModelInputs inputs;
    inputs.integers["input_ids"] = {{1, n}, result.encoding.ids};
    inputs.integers["attention_mask"] = {{1, n}, std::vector<int64_t>(size_t(n), 1)};
    CaptureOptions capture;
    capture.attentions = false;
    capture.layers = {text.hiddenIndex};
    ModelOutputs outputs = text.model->run(inputs, capture);
    result.states = std::move(outputs.at("hidden_states." + std::to_string(text.hiddenIndex)));
    return result;
}

void progress(JobContext *context, size_t done, size_t total, const std::string &unit)
{
    if (!context)
        return;
    context->throwIfCancelled();
    context->setProgress(double(done) / double(total),
                         unit + " " + std::to_string(done + 1) + " of " + std::to_string(total));
}

// A token as a person reads it: BPE (byte-level or SentencePiece) decoded, without its leading
// space ("bank"); WordPiece as in the vocabulary ("##ing").
std::string tokenText(const Tokenizer &tokenizer, const Encoding &encoding, size_t i)
{
    if (tokenizer.kind() != Tokenizer::Kind::WordPiece)
        return trimmed(tokenizer.decode({encoding.ids[i]}, false));
    return encoding.tokens[i];
}

// What a token filter compares: case-folded, "##" and the leading space dropped.
std::string matchKey(const std::string &text)
{
    const std::string bare = text.rfind("##", 0) == 0 && text.size() > 2 ? text.substr(2) : text;
    return foldCase(trimmed(bare));
}

std::string layerName(const TextModel &text)
{
    const int64_t layers = text.model->info().config.layers;
    return "hidden_states." + std::to_string(text.hiddenIndex) +
           (text.hiddenIndex == 0        ? " (embeddings)"
            : text.hiddenIndex == layers ? " (last)"
                                         : "");
}

void appendRow(Matrix &matrix, const float *row, int64_t columns)
{
    matrix.cols = columns;
    matrix.values.insert(matrix.values.end(), row, row + columns);
    ++matrix.rows;
}

ImagePreprocessing preprocessingOf(const std::string &folder, const ModelConfig &config)
{
    const std::string path = folder + "/preprocessor_config.json";
    if (fs::exists(path))
        return ImagePreprocessing::fromFile(path);
    ImagePreprocessing p;
    p.height = p.width = config.imageSize;
    if (config.channels == 1)
        p.mean = p.std = {0.5};
    return p;
}

// The first field of a CSV / TSV line; a quoted field may hold the separator and "" for a quote.
std::string firstField(const std::string &line, char separator)
{
    if (line.empty() || line.front() != '"')
        return line.substr(0, line.find(separator));
    std::string field;
    for (size_t i = 1; i < line.size(); ++i) {
        if (line[i] != '"')
            field += line[i];
        else if (i + 1 < line.size() && line[i + 1] == '"')
            field += line[++i];
        else
            break;
    }
    return field;
}

// One label a line (.csv / .tsv: the first field), without line ends; no line after a final newline.
std::vector<std::string> readLabels(const std::string &path)
{
    const std::string extension = fileExtension(path);
    const char separator = extension == "csv" ? ',' : extension == "tsv" ? '\t' : '\0';
    const std::string bytes = readFile(path, size_t(256) << 20);
    std::vector<std::string> labels;
    for (size_t start = 0; start < bytes.size();) {
        size_t end = bytes.find('\n', start);
        if (end == std::string::npos)
            end = bytes.size();
        std::string line = bytes.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        labels.push_back(separator ? firstField(line, separator) : line);
        start = end + 1;
    }
    return labels;
}

// The file and step of a run's snapshot number snapshotIndex (in readSnapshotIndex's order).
std::pair<std::string, int64_t> locateSnapshot(const std::string &runDir, int snapshotIndex)
{
    const SnapshotIndex index = readSnapshotIndex(runDir);
    if (snapshotIndex < 0) // from the end: -1 is the last
        snapshotIndex += int(index.steps.size());
    if (snapshotIndex < 0 || size_t(snapshotIndex) >= index.steps.size())
        throw Error("snapshot " + std::to_string(snapshotIndex) + " does not exist (the run has " +
                        std::to_string(index.steps.size()) + ", numbered from 0)",
                    runDir);
    const int64_t step = index.steps[size_t(snapshotIndex)];
    // The index names each snapshot's file; the step's zero-padded name is the fallback.
    const std::string indexPath = runDir + "/snapshots/index.json";
    std::string name;
    try {
        const nlohmann::json root = nlohmann::json::parse(readFile(indexPath, 64u << 20));
        name = root.at("snapshots").at(size_t(snapshotIndex)).value("file", std::string());
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("unreadable snapshot index: ") + e.what(), indexPath);
    }
    if (name.empty() || name.find('/') != std::string::npos) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "step-%06lld.safetensors", static_cast<long long>(step));
        name = buffer;
    }
    return {runDir + "/snapshots/" + name, step};
}

// The point matrix of a .npy, CSV or safetensors file; key receives the tensor read (safetensors).
Matrix readPoints(const std::string &path, const std::string &tensor, std::string &key)
{
    if (fileExtension(path) != "safetensors") {
        try {
            return readMatrix(path);
        } catch (const Error &e) {
            if (e.reason().rfind("expected a matrix", 0) != 0)
                throw;
            throw Error(e.reason() + ": save one 2-D slice x[i] (or every row, x.reshape(-1, D)) instead", path);
        }
    }
    const SafetensorsFile file(path);
    key = tensor;
    if (key.empty()) {
        const std::vector<std::string> keys = embeddingTensorNames(path);
        if (keys.size() != 1)
            throw Error(keys.empty()
                            ? "holds no matrix (a tensor with one row per point)"
                            : "holds " + std::to_string(keys.size()) + " matrices; choose one: " + listed(keys),
                        path);
        key = keys.front();
    }
    return pointMatrix(file, key);
}

} // namespace

// ---- files -----------------------------------------------------------------------------------------

EmbeddingSet matrixFile(const std::string &path, const std::string &tensor, const std::string &labelsPath)
{
    EmbeddingSet set;
    std::string key;
    set.vectors = readPoints(path, tensor, key);
    const std::string what = baseName(path) + (key.empty() ? "" : ": " + key);
    if (set.vectors.rows < 1)
        throw Error("has no rows", path);
    set.description = what + " " + dimensions(set.vectors);
    if (labelsPath.empty()) {
        set.labels = numbered("row ", set.vectors.rows);
        return set;
    }
    std::vector<std::string> labels = readLabels(labelsPath);
    const size_t rows = size_t(set.vectors.rows);
    if (labels.size() == rows + 1) // a header line
        labels.erase(labels.begin());
    if (labels.size() != rows)
        throw Error("has " + std::to_string(labels.size()) + " labels (one a line) for the " + std::to_string(rows) +
                        " rows of " + baseName(path),
                    labelsPath);
    set.labels = std::move(labels);
    categoriseByLabel(set);
    return set;
}

// ---- checkpoint tables -----------------------------------------------------------------------------

EmbeddingSet tokenEmbeddings(const std::string &modelDir)
{
    const auto found = findWeight(modelDir, {"embeddings.word_embeddings.weight", "wte.weight", "embed_tokens.weight"});
    if (!found) {
        if (findWeight(modelDir, {"embeddings.patch_embeddings.projection.weight"}))
            throw Error("a ViT has no token vocabulary (its input is image patches): use its position embeddings or "
                        "image embeddings",
                        modelDir);
        throw Error("no token embedding table (looked for embeddings.word_embeddings.weight and wte.weight, with or "
                    "without the bert. / transformer. prefix)",
                    modelDir + "/model.safetensors");
    }
    EmbeddingSet set;
    set.vectors = pointMatrix(SafetensorsFile(found->file), found->key);
    const std::unique_ptr<Tokenizer> tokenizer = optionalTokenizer(modelDir);
    set.labels = vocabularyLabels(tokenizer.get(), set.vectors.rows);
    set.description =
        baseName(modelDir) + ": token embeddings " + dimensions(set.vectors) + (tokenizer ? "" : ", no tokenizer");
    return set;
}

EmbeddingSet positionEmbeddings(const std::string &modelDir)
{
    const auto found =
        findWeight(modelDir, {"embeddings.position_embeddings.weight", "wpe.weight", "embeddings.position_embeddings"});
    if (!found)
        throw Error("no learned position table (looked for embeddings.position_embeddings[.weight] and wpe.weight)" +
                        positionHint(modelDir),
                    modelDir);
    EmbeddingSet set;
    set.vectors = pointMatrix(SafetensorsFile(found->file), found->key);
    set.labels = numbered("position ", set.vectors.rows);
    set.description = baseName(modelDir) + ": position embeddings " + dimensions(set.vectors);
    return set;
}

// ---- running models --------------------------------------------------------------------------------

EmbeddingSet contextualEmbeddings(const std::string &modelDir, const std::vector<std::string> &sentences, int layer,
                                  const std::string &tokenFilter, JobContext *context)
{
    const TextModel text = openTextModel(modelDir, sentences, layer, context);
    const std::string wanted = matchKey(tokenFilter);
    const bool categories = sentences.size() <= size_t(kMaxCategories);
    EmbeddingSet set;
    for (size_t s = 0; s < sentences.size(); ++s) {
        progress(context, s, sentences.size(), "sentence");
        const SentenceStates run = runSentence(text, sentences[s], s);
        const std::string where = "sentence " + std::to_string(s + 1) + ": " + prefixOf(sentences[s], 40);
        if (categories)
            set.categoryNames.push_back(where);
        const int64_t hidden = run.states.shape.back();
        for (size_t t = 0; t < run.encoding.ids.size(); ++t) {
            if (run.encoding.specialTokens[t])
                continue;
            const std::string token = tokenText(*text.tokenizer, run.encoding, t);
            if (!wanted.empty() && matchKey(token) != wanted)
                continue;
            appendRow(set.vectors, run.states.values.data() + t * size_t(hidden), hidden);
            set.labels.push_back(token + " \u00b7 " + where);
            if (categories)
                set.category.push_back(int(s));
        }
    }
    if (set.vectors.rows == 0)
        throw Error(wanted.empty()
                        ? "the sentences hold no tokens besides special ones"
                        : "no token \"" + tokenFilter + "\" in the " + std::to_string(sentences.size()) +
                              " sentence(s) (tokens are compared case-folded, without ## or the leading space)",
                    modelDir);
    set.description = text.name + ": contextual embeddings, " + layerName(text) + ", " +
                      std::to_string(set.vectors.rows) +
                      (wanted.empty() ? " tokens" : " \"" + tokenFilter + "\" tokens") + " of " +
                      std::to_string(sentences.size()) + " sentence(s) " + dimensions(set.vectors);
    if (context)
        context->setProgress(1.0, std::to_string(set.vectors.rows) + " tokens");
    return set;
}

EmbeddingSet sentenceEmbeddings(const std::string &modelDir, const std::vector<std::string> &sentences, int layer,
                                bool meanPool, JobContext *context)
{
    const TextModel text = openTextModel(modelDir, sentences, layer, context);
    EmbeddingSet set;
    for (size_t s = 0; s < sentences.size(); ++s) {
        progress(context, s, sentences.size(), "sentence");
        const SentenceStates run = runSentence(text, sentences[s], s);
        const size_t hidden = size_t(run.states.shape.back());
        std::vector<double> sum(hidden, 0.0);
        size_t count = 0;
        for (size_t t = 0; t < run.encoding.ids.size() && (meanPool || t == 0); ++t) {
            if (meanPool && run.encoding.specialTokens[t])
                continue;
            for (size_t d = 0; d < hidden; ++d)
                sum[d] += run.states.values[t * hidden + d];
            ++count;
        }
        if (count == 0)
            throw Error("sentence " + std::to_string(s + 1) + " has no tokens besides special ones to average",
                        modelDir);
        std::vector<float> row(hidden);
        for (size_t d = 0; d < hidden; ++d)
            row[d] = float(sum[d] / double(count));
        appendRow(set.vectors, row.data(), int64_t(hidden));
        set.labels.push_back(sentences[s]);
    }
    set.description = text.name + ": sentence embeddings, " + (meanPool ? "mean of the tokens" : "first token") +
                      " of " + layerName(text) + " " + dimensions(set.vectors);
    if (context)
        context->setProgress(1.0, std::to_string(sentences.size()) + " sentences");
    return set;
}

EmbeddingSet imageEmbeddings(const std::string &vitDir, const std::string &fashionMnistDir, int count,
                             JobContext *context)
{
    const std::shared_ptr<const Model> model = sharedModel(vitDir, context);
    const ModelConfig &config = model->info().config;
    if (!model->info().capabilities.patchGrid)
        throw Error("image embeddings need a ViT or DeiT checkpoint, not " + config.modelType, vitDir);
    const ImageDataset dataset =
        loadFashionMnist("test", fashionMnistDir.empty() ? defaultFashionMnistFolder() : fashionMnistDir);
    if (count < 1 || count > dataset.count)
        throw Error("choose between 1 and " + std::to_string(dataset.count) + " images, not " + std::to_string(count));
    const ImagePreprocessing preprocessing = preprocessingOf(vitDir, config);
    CaptureOptions capture;
    capture.attentions = false;
    capture.hiddenStates = false;
    constexpr int kBatch = 32; // images a forward pass; one image at a time would be several times slower
    EmbeddingSet set;
    set.categoryNames = dataset.labelNames;
    for (int first = 0; first < count; first += kBatch) {
        progress(context, size_t(first), size_t(count), "image");
        const int batch = std::min(kBatch, count - first);
        FloatTensor pixels;
        for (int i = first; i < first + batch; ++i) {
            const FloatTensor one =
                normalizePixels(resizeForModel(vision::datasetImage(dataset, i), preprocessing), preprocessing);
            pixels.shape = one.shape;
            pixels.values.insert(pixels.values.end(), one.values.begin(), one.values.end());
        }
        pixels.shape[0] = batch;
        ModelInputs inputs;
        inputs.floats["pixel_values"] = std::move(pixels);
        const FloatTensor last = model->run(inputs, capture).at("last_hidden_state"); // [batch, tokens, hidden]
        const int64_t tokens = last.shape[1], hidden = last.shape[2];
        for (int b = 0; b < batch; ++b) {
            appendRow(set.vectors, last.values.data() + size_t(b) * size_t(tokens * hidden), hidden); // token 0: [CLS]
            const int64_t label = dataset.labels[size_t(first + b)];
            set.labels.push_back("image " + std::to_string(first + b) + ": " + dataset.labelNames[size_t(label)]);
            set.category.push_back(int(label));
        }
    }
    set.description = baseName(vitDir) + ": [CLS] after the final layer norm, " + std::to_string(count) +
                      " Fashion-MNIST test images " + dimensions(set.vectors);
    if (context)
        context->setProgress(1.0, std::to_string(count) + " images");
    return set;
}

// ---- training snapshots ----------------------------------------------------------------------------

std::vector<std::string> embeddingTensorNames(const std::string &safetensorsPath)
{
    const SafetensorsFile file(safetensorsPath);
    std::vector<std::string> names;
    for (const std::string &key : file.keys()) {
        const TensorInfo &info = file.info(key);
        const std::vector<int64_t> shape = squeezedShape(info.shape);
        if (isFloat(info.dtype) && shape.size() == 2 && shape[0] >= 2 && shape[1] >= 1)
            names.push_back(key);
    }
    auto embedding = [](const std::string &name) {
        return name.find("embed") != std::string::npos || name.find("wte") != std::string::npos ||
               name.find("wpe") != std::string::npos;
    };
    std::stable_sort(names.begin(), names.end(),
                     [&](const std::string &a, const std::string &b) { return embedding(a) && !embedding(b); });
    return names;
}

std::string snapshotFile(const std::string &runDir, int snapshotIndex)
{
    return locateSnapshot(runDir, snapshotIndex).first;
}

EmbeddingSet snapshotEmbeddings(const std::string &runDir, int snapshotIndex, const std::string &tensorName)
{
    const auto [path, step] = locateSnapshot(runDir, snapshotIndex);
    EmbeddingSet set;
    set.vectors = pointMatrix(SafetensorsFile(path), tensorName);
    const std::unique_ptr<Tokenizer> tokenizer = optionalTokenizer(runDir);
    if (tokenizer && tokenizer->vocabularySize() == set.vectors.rows)
        set.labels = vocabularyLabels(tokenizer.get(), set.vectors.rows);
    else
        set.labels =
            numbered(tensorName.find("position") != std::string::npos ? "position " : "row ", set.vectors.rows);
    set.description =
        baseName(runDir) + ": " + tensorName + " at step " + std::to_string(step) + " " + dimensions(set.vectors);
    return set;
}

} // namespace tessera::projection
