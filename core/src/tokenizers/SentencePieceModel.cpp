// SentencePiece .model files turned into the tokenizer.json pipeline transformers' converters
// build from them (SentencePieceModel.h). The protobuf is read here, with the checks
// libsentencepiece makes when it loads a model (pieces named and unique, one unknown piece, a
// sound character map). libsentencepiece itself cannot be linked into tessera_core: Debian's
// build exports the symbols of the protobuf-lite it bundles, which take the place of LibTorch's
// libprotobuf.so.32 and crash every program at start (in DescriptorPool::InternalAddGeneratedFile).

#include "tokenizers/SentencePieceModel.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include "tokenizers/JsonTokenizer.h"
#include "tokenizers/Pipeline.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <string_view>
#include <sys/stat.h>
#include <unordered_map>

namespace tessera::detail::tok {
namespace {

using nlohmann::json;

// A .model file is a few MB (Llama's 0.5, XLM-R's 5, multilingual T5's 4); refuse more than this.
constexpr size_t kMaxModelBytes = size_t(256) << 20;

// Protocol buffers' wire format, as much of it as ModelProto uses.
class ProtoReader {
public:
    struct Field {
        uint64_t number = 0;
        int wire = 0;
        uint64_t value = 0;     // varints and fixed32
        std::string_view bytes; // length-delimited
        size_t offset = 0;      // of the field's key, for errors
    };

    ProtoReader(std::string_view bytes, size_t base, const std::string &path)
        : m_bytes(bytes), m_base(base), m_path(path)
    {
    }

    bool done() const { return m_at >= m_bytes.size(); }

    Field next()
    {
        Field field;
        field.offset = m_base + m_at;
        const uint64_t key = varint();
        field.number = key >> 3;
        field.wire = int(key & 7);
        if (field.number == 0)
            fail("a field numbered 0", field.offset);
        switch (field.wire) {
        case 0:
            field.value = varint();
            break;
        case 1: // fixed64: no ModelProto field, skipped
            need(8, field.offset);
            m_at += 8;
            break;
        case 2: {
            const uint64_t length = varint();
            if (length > m_bytes.size() - m_at)
                fail("a field of " + std::to_string(length) + " bytes that runs past the end", field.offset);
            field.bytes = m_bytes.substr(m_at, size_t(length));
            field.value = length;
            m_at += size_t(length);
            break;
        }
        case 5:
            need(4, field.offset);
            std::memcpy(&field.value, m_bytes.data() + m_at, 4); // little-endian, as x86 and ARM
            m_at += 4;
            break;
        default:
            fail("wire type " + std::to_string(field.wire) + ", which SentencePiece models never use", field.offset);
        }
        return field;
    }

    // The offset of a nested message's bytes in the file.
    size_t offsetOf(std::string_view inner) const { return m_base + size_t(inner.data() - m_bytes.data()); }

    [[noreturn]] void fail(const std::string &what, size_t offset) const
    {
        throw Error("not a SentencePiece model (" + what + " at byte " + std::to_string(offset) + ")", m_path);
    }

private:
    uint64_t varint()
    {
        uint64_t result = 0;
        const size_t start = m_at;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_at >= m_bytes.size())
                fail("the file ends inside a number", m_base + start);
            const uint8_t byte = uint8_t(m_bytes[m_at++]);
            result |= uint64_t(byte & 0x7F) << shift;
            if (!(byte & 0x80))
                return result;
        }
        fail("a number longer than ten bytes", m_base + start);
    }
    void need(size_t count, size_t offset) const
    {
        if (m_bytes.size() - m_at < count)
            fail("the file ends inside a field", offset);
    }

    std::string_view m_bytes;
    size_t m_base;
    size_t m_at = 0;
    const std::string &m_path;
};

void expectWire(const ProtoReader &reader, const ProtoReader::Field &field, int wire, const char *name)
{
    if (field.wire != wire)
        reader.fail(std::string(name) + " with wire type " + std::to_string(field.wire), field.offset);
}

float floatOf(uint64_t bits)
{
    const uint32_t word = uint32_t(bits);
    float value;
    std::memcpy(&value, &word, 4);
    return value;
}

bool fileExists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string folderOf(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

std::string nameOf(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string base64(const std::string &bytes)
{
    static const char *const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const size_t left = bytes.size() - i;
        uint32_t chunk = uint32_t(uint8_t(bytes[i])) << 16;
        if (left > 1)
            chunk |= uint32_t(uint8_t(bytes[i + 1])) << 8;
        if (left > 2)
            chunk |= uint32_t(uint8_t(bytes[i + 2]));
        out += alphabet[(chunk >> 18) & 63];
        out += alphabet[(chunk >> 12) & 63];
        out += left > 1 ? alphabet[(chunk >> 6) & 63] : '=';
        out += left > 2 ? alphabet[chunk & 63] : '=';
    }
    return out;
}

json metaspace(bool prepend)
{
    return {{"type", "Metaspace"},
            {"replacement", "\u2581"},
            {"prepend_scheme", prepend ? "always" : "never"},
            {"split", true}};
}

json addedToken(const std::string &content, int64_t id, bool lstrip = false)
{
    return {{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", lstrip},
            {"rstrip", false}, {"normalized", false}, {"special", true}};
}

json special(const std::string &name, int typeId = 0)
{
    return {{"SpecialToken", {{"id", name}, {"type_id", typeId}}}};
}
json sequence(const char *name, int typeId = 0)
{
    return {{"Sequence", {{"id", name}, {"type_id", typeId}}}};
}
json specialIds(const std::string &name, int64_t id)
{
    return {{"id", name}, {"ids", {id}}, {"tokens", {name}}};
}

// SpmConverter's normalizer for Unigram models: the model's character map, then (when the model
// removes extra whitespace) trailing spaces stripped and runs of spaces made one "▁".
json unigramNormalizer(const SentencePieceModelFile &model)
{
    json list = json::array();
    if (!model.precompiledCharsmap.empty())
        list.push_back({{"type", "Precompiled"}, {"precompiled_charsmap", base64(model.precompiledCharsmap)}});
    if (model.removeExtraWhitespaces) {
        list.push_back({{"type", "Strip"}, {"strip_left", false}, {"strip_right", true}});
        list.push_back({{"type", "Replace"}, {"pattern", {{"Regex", " {2,}"}}}, {"content", "\u2581"}});
    }
    return {{"type", "Sequence"}, {"normalizers", list}};
}

// SentencePieceExtractor: every split of a piece into two pieces is a merge, ranked by the score
// of the piece it makes (best first, ties in vocabulary order), each piece's splits ordered by
// the ids of their halves.
json extractMerges(const SentencePieceModelFile &model)
{
    std::unordered_map<std::string, int64_t> ids;
    for (size_t i = 0; i < model.pieces.size(); ++i)
        ids.emplace(model.pieces[i].text, int64_t(i));
    struct Merge {
        int64_t left, right;
        size_t cut;
        float score;
        size_t piece;
    };
    std::vector<Merge> merges;
    for (size_t p = 0; p < model.pieces.size(); ++p) {
        const std::string &text = model.pieces[p].text;
        std::vector<Merge> local;
        for (size_t cut = 1; cut < text.size(); ++cut) {
            if ((uint8_t(text[cut]) & 0xC0) == 0x80)
                continue; // inside a character
            const auto left = ids.find(text.substr(0, cut));
            const auto right = ids.find(text.substr(cut));
            if (left != ids.end() && right != ids.end())
                local.push_back({left->second, right->second, cut, model.pieces[p].score, p});
        }
        std::stable_sort(local.begin(), local.end(), [](const Merge &a, const Merge &b) {
            return a.left != b.left ? a.left < b.left : a.right < b.right;
        });
        merges.insert(merges.end(), local.begin(), local.end());
    }
    std::stable_sort(merges.begin(), merges.end(), [](const Merge &a, const Merge &b) { return a.score > b.score; });
    json out = json::array();
    for (const Merge &m : merges) {
        const std::string &text = model.pieces[m.piece].text;
        out.push_back(text.substr(0, m.cut) + " " + text.substr(m.cut));
    }
    return out;
}

SentencePieceFamily familyOf(const std::string &path)
{
    const std::string folder = folderOf(path);
    auto fromName = [](std::string name) -> int {
        for (char &c : name)
            c = char(std::tolower(uint8_t(c)));
        if (name.find("xlmroberta") != std::string::npos || name.find("xlm-roberta") != std::string::npos ||
            name.find("xlm_roberta") != std::string::npos || name.find("camembert") != std::string::npos)
            return int(SentencePieceFamily::XlmRoberta);
        if (name.find("t5") != std::string::npos)
            return int(SentencePieceFamily::T5);
        if (name.find("llama") != std::string::npos || name.find("mistral") != std::string::npos)
            return int(SentencePieceFamily::Llama);
        return -1;
    };
    for (const auto &[file, key] : {std::pair<const char *, const char *>{"tokenizer_config.json", "tokenizer_class"},
                                    {"config.json", "model_type"}}) {
        const std::string config = folder + "/" + file;
        if (!fileExists(config))
            continue;
        const json root = json::parse(readFile(config, size_t(64) << 20), nullptr, false);
        if (root.is_object() && root.contains(key) && root[key].is_string()) {
            const int family = fromName(root[key].get<std::string>());
            if (family >= 0)
                return SentencePieceFamily(family);
        }
    }
    const std::string name = nameOf(path);
    if (name == "sentencepiece.bpe.model")
        return SentencePieceFamily::XlmRoberta;
    if (name == "spiece.model")
        return SentencePieceFamily::T5;
    return SentencePieceFamily::Llama;
}

// T5Tokenizer's extra_ids (100 unless tokenizer_config.json says otherwise).
int64_t extraIdsOf(const std::string &path)
{
    const std::string config = folderOf(path) + "/tokenizer_config.json";
    if (fileExists(config)) {
        const json root = json::parse(readFile(config, size_t(64) << 20), nullptr, false);
        if (root.is_object() && root.contains("extra_ids") && root["extra_ids"].is_number_integer()) {
            const int64_t extra = root["extra_ids"].get<int64_t>();
            if (extra < 0 || extra > 100000)
                throw Error("extra_ids must be between 0 and 100000, not " + std::to_string(extra), config,
                            "extra_ids");
            return extra;
        }
    }
    return 100;
}

} // namespace

int64_t SentencePieceModelFile::find(const std::string &text) const
{
    for (size_t i = 0; i < pieces.size(); ++i)
        if (pieces[i].text == text)
            return int64_t(i);
    return -1;
}

SentencePieceModelFile parseSentencePieceModel(const std::string &bytes, const std::string &path)
{
    if (bytes.empty())
        throw Error("not a SentencePiece model (the file is empty)", path);
    SentencePieceModelFile model;
    ProtoReader reader(bytes, 0, path);
    while (!reader.done()) {
        const ProtoReader::Field field = reader.next();
        if (field.number == 1) { // pieces
            expectWire(reader, field, 2, "a piece");
            SentencePieceModelFile::Piece piece;
            bool named = false;
            ProtoReader inner(field.bytes, reader.offsetOf(field.bytes), path);
            while (!inner.done()) {
                const ProtoReader::Field f = inner.next();
                if (f.number == 1) {
                    expectWire(inner, f, 2, "a piece's text");
                    piece.text = std::string(f.bytes);
                    named = true;
                } else if (f.number == 2) {
                    expectWire(inner, f, 5, "a piece's score");
                    piece.score = floatOf(f.value);
                } else if (f.number == 3) {
                    expectWire(inner, f, 0, "a piece's type");
                    if (f.value < 1 || f.value > 6)
                        inner.fail("piece type " + std::to_string(f.value), f.offset);
                    piece.type = SentencePieceModelFile::PieceType(f.value);
                }
            }
            const std::string index = "piece " + std::to_string(model.pieces.size());
            if (!named || piece.text.empty())
                reader.fail(index + " without text", field.offset);
            if (!std::isfinite(piece.score))
                reader.fail(index + " (\"" + piece.text + "\") with score " + std::to_string(piece.score),
                            field.offset);
            decodeUtf8(piece.text, path + " (" + index + ")");
            model.pieces.push_back(std::move(piece));
        } else if (field.number == 2 || field.number == 3) { // trainer_spec, normalizer_spec
            expectWire(reader, field, 2, field.number == 2 ? "trainer_spec" : "normalizer_spec");
            ProtoReader inner(field.bytes, reader.offsetOf(field.bytes), path);
            while (!inner.done()) {
                const ProtoReader::Field f = inner.next();
                const auto asInt = [&]() { return int64_t(int32_t(uint32_t(f.value))); }; // int32, sign-extended
                if (field.number == 2) {
                    if (f.number == 3 && f.wire == 0) {
                        if (f.value < 1 || f.value > 4)
                            inner.fail("model type " + std::to_string(f.value), f.offset);
                        model.type = SentencePieceModelFile::Type(f.value);
                    } else if (f.number == 35 && f.wire == 0) {
                        model.byteFallback = f.value != 0;
                    } else if (f.number >= 40 && f.number <= 43 && f.wire == 0) {
                        int64_t *const slots[] = {&model.unknownId, &model.bosId, &model.eosId, &model.padId};
                        *slots[f.number - 40] = asInt();
                    }
                } else {
                    if (f.number == 2 && f.wire == 2)
                        model.precompiledCharsmap = std::string(f.bytes);
                    else if (f.number == 3 && f.wire == 0)
                        model.addDummyPrefix = f.value != 0;
                    else if (f.number == 4 && f.wire == 0)
                        model.removeExtraWhitespaces = f.value != 0;
                }
            }
        }
    }
    if (model.pieces.empty())
        throw Error("not a SentencePiece model (no pieces)", path);
    std::unordered_map<std::string, size_t> seen;
    size_t unknowns = 0;
    for (size_t i = 0; i < model.pieces.size(); ++i) {
        const auto [at, fresh] = seen.emplace(model.pieces[i].text, i);
        if (!fresh)
            throw Error("piece " + std::to_string(i) + " (\"" + model.pieces[i].text + "\") is piece " +
                            std::to_string(at->second) + " again: each piece needs its own id",
                        path);
        if (model.pieces[i].type == SentencePieceModelFile::PieceType::Unknown)
            ++unknowns;
    }
    if (unknowns != 1)
        throw Error("a SentencePiece model has one unknown piece, not " + std::to_string(unknowns), path);
    if (model.unknownId < 0 || model.unknownId >= int64_t(model.pieces.size()) ||
        model.pieces[size_t(model.unknownId)].type != SentencePieceModelFile::PieceType::Unknown)
        throw Error("trainer_spec.unk_id " + std::to_string(model.unknownId) + " is not the unknown piece", path);
    if (model.type != SentencePieceModelFile::Type::Unigram && model.type != SentencePieceModelFile::Type::Bpe)
        throw Error(std::string("SentencePiece ") +
                        (model.type == SentencePieceModelFile::Type::Word ? "word" : "char") +
                        " models are not supported (supported: unigram, bpe)",
                    path, "trainer_spec.model_type");
    // The character map through the Precompiled normalizer's reader, which checks every bound.
    if (!model.precompiledCharsmap.empty())
        (void)makePrecompiledNormalizer(base64(model.precompiledCharsmap),
                                        Where{path, "normalizer_spec.precompiled_charsmap"});
    return model;
}

json convertSentencePieceModel(const SentencePieceModelFile &model, SentencePieceFamily family, int64_t extraIds)
{
    const int64_t unknown = model.unknownId;
    if (unknown < 0 || unknown >= int64_t(model.pieces.size()))
        throw Error("the model has no unknown piece (unk_id " + std::to_string(unknown) + ")");
    json root = json::object();
    json added = json::array();
    const bool unigram = model.type == SentencePieceModelFile::Type::Unigram;
    if (!unigram) {
        // LlamaConverter (every BPE model: Llama, Mistral): the first three pieces named <unk> <s>
        // </s>, merges from the pieces, byte fallback as trained, "▁" for spaces by normalizer
        // (the legacy layout), <s> A.
        json vocabulary = json::object();
        for (size_t i = 0; i < model.pieces.size(); ++i) {
            static const char *const names[] = {"<unk>", "<s>", "</s>"};
            vocabulary[i < 3 ? std::string(names[i]) : model.pieces[i].text] = int64_t(i);
        }
        root["model"] = {{"type", "BPE"},         {"vocab", vocabulary}, {"merges", extractMerges(model)},
                         {"unk_token", "<unk>"},  {"fuse_unk", true},    {"byte_fallback", model.byteFallback},
                         {"ignore_merges", false}};
        for (int64_t i = 0; i < std::min<int64_t>(3, int64_t(model.pieces.size())); ++i)
            added.push_back(addedToken(i == 0 ? "<unk>" : i == 1 ? "<s>" : "</s>", i));
        json normalizers = json::array();
        if (model.addDummyPrefix)
            normalizers.push_back({{"type", "Prepend"}, {"prepend", "\u2581"}});
        normalizers.push_back({{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}});
        root["normalizer"] = {{"type", "Sequence"}, {"normalizers", normalizers}};
        root["pre_tokenizer"] = nullptr;
        root["post_processor"] = {{"type", "TemplateProcessing"},
                                  {"single", {special("<s>"), sequence("A")}},
                                  {"pair", {special("<s>"), sequence("A"), special("<s>", 1), sequence("B", 1)}},
                                  {"special_tokens", {{"<s>", specialIds("<s>", 1)}}}};
        root["decoder"] = {{"type", "Sequence"},
                           {"decoders",
                            {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
                             {{"type", "ByteFallback"}},
                             {{"type", "Fuse"}},
                             {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
    } else if (family == SentencePieceFamily::XlmRoberta) {
        // XLMRobertaConverter: fairseq's four specials, then the pieces after the model's first
        // three (its <unk> <s> </s>) shifted by one, then <mask>.
        json list = json::array({{"<s>", 0.0}, {"<pad>", 0.0}, {"</s>", 0.0}, {"<unk>", 0.0}});
        for (size_t i = 3; i < model.pieces.size(); ++i)
            list.push_back({model.pieces[i].text, model.pieces[i].score});
        const int64_t mask = int64_t(list.size());
        list.push_back({"<mask>", 0.0});
        root["model"] = {{"type", "Unigram"}, {"unk_id", 3}, {"vocab", list}, {"byte_fallback", false}};
        for (int64_t i = 0; i < 4; ++i)
            added.push_back(addedToken(list[size_t(i)][0].get<std::string>(), i));
        added.push_back(addedToken("<mask>", mask, true)); // XLMRobertaTokenizer: <mask> takes the space before it
        root["normalizer"] = unigramNormalizer(model);
        root["pre_tokenizer"] = metaspace(model.addDummyPrefix);
        root["post_processor"] = {
            {"type", "TemplateProcessing"},
            {"single", {special("<s>"), sequence("A"), special("</s>")}},
            {"pair", {special("<s>"), sequence("A"), special("</s>"), special("</s>"), sequence("B"), special("</s>")}},
            {"special_tokens", {{"<s>", specialIds("<s>", 0)}, {"</s>", specialIds("</s>", 2)}}}};
        root["decoder"] = metaspace(model.addDummyPrefix);
    } else {
        // T5Converter: the pieces as they are, then <extra_id_N> from N = extraIds - 1 down to 0;
        // </s> is the model's, or its unknown piece when it has none (as T5Tokenizer looks it up).
        // A Unigram model of the Llama family: the same without extra ids, and <s> A.
        json list = json::array();
        for (size_t i = 0; i < model.pieces.size(); ++i) {
            list.push_back({model.pieces[i].text, model.pieces[i].score});
            const auto type = model.pieces[i].type;
            if (type == SentencePieceModelFile::PieceType::Control ||
                type == SentencePieceModelFile::PieceType::Unknown)
                added.push_back(addedToken(model.pieces[i].text, int64_t(i)));
        }
        for (int64_t n = extraIds - 1; n >= 0; --n) {
            const std::string name = "<extra_id_" + std::to_string(n) + ">";
            added.push_back(addedToken(name, int64_t(list.size())));
            list.push_back({name, 0.0});
        }
        const int64_t eos = model.find("</s>");
        root["model"] = {
            {"type", "Unigram"}, {"unk_id", unknown}, {"vocab", list}, {"byte_fallback", model.byteFallback}};
        root["normalizer"] = unigramNormalizer(model);
        root["pre_tokenizer"] = metaspace(model.addDummyPrefix);
        const int64_t bos = model.find("<s>");
        if (family == SentencePieceFamily::T5)
            root["post_processor"] = {{"type", "TemplateProcessing"},
                                      {"single", {sequence("A"), special("</s>")}},
                                      {"pair", {sequence("A"), special("</s>"), sequence("B"), special("</s>")}},
                                      {"special_tokens", {{"</s>", specialIds("</s>", eos >= 0 ? eos : unknown)}}}};
        else if (bos >= 0)
            root["post_processor"] = {{"type", "TemplateProcessing"},
                                      {"single", {special("<s>"), sequence("A")}},
                                      {"pair", {special("<s>"), sequence("A"), special("<s>", 1), sequence("B", 1)}},
                                      {"special_tokens", {{"<s>", specialIds("<s>", bos)}}}};
        root["decoder"] = metaspace(model.addDummyPrefix);
    }
    root["added_tokens"] = added;
    return root;
}

std::unique_ptr<Tokenizer> loadSentencePieceModel(const std::string &path)
{
    const SentencePieceModelFile model = parseSentencePieceModel(readFile(path, kMaxModelBytes), path);
    const SentencePieceFamily family = familyOf(path);
    json root;
    try {
        root = convertSentencePieceModel(model, family, family == SentencePieceFamily::T5 ? extraIdsOf(path) : 0);
    } catch (const Error &e) {
        throw Error(e.reason(), path);
    }
    return loadPipelineJson(root, path);
}

} // namespace tessera::detail::tok
