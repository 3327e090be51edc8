// Decoders and post-processors of a tokenizer.json pipeline (Pipeline.h).

#include "tokenizers/Pipeline.h"

#include "tessera/core/Error.h"

#include "UnicodeText.h"
#include "tokenizers/JsonFields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace tessera::detail::tok {
namespace {

using namespace detail::unicode;
using namespace fields;
using nlohmann::json;

// ---- decoders ----

class SequenceDecoder : public Decoder {
public:
    std::vector<std::unique_ptr<Decoder>> steps;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (const auto &step : steps)
            step->apply(tokens);
    }
};

class ByteLevelDecoder : public Decoder {
public:
    void apply(std::vector<std::string> &tokens) const override
    {
        const auto &back = unicodeToByte();
        std::string bytes;
        for (const std::string &token : tokens)
            for (char32_t c : decodeUtf8(token)) {
                const auto it = back.find(c);
                if (it != back.end())
                    bytes.push_back(char(it->second));
                else
                    bytes += utf8Of(c);
            }
        tokens = {lossyUtf8(bytes)};
    }
};

std::string replaceText(const std::string &text, const std::string &from, const std::string &to)
{
    if (from.empty())
        return text;
    std::string out;
    size_t at = 0, found;
    while ((found = text.find(from, at)) != std::string::npos) {
        out.append(text, at, found - at);
        out += to;
        at = found + from.size();
    }
    out.append(text, at, std::string::npos);
    return out;
}

class ReplaceDecoder : public Decoder {
public:
    std::string from, to;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (std::string &token : tokens)
            token = replaceText(token, from, to);
    }
};

// Runs of <0xNN> tokens become their bytes when those are valid UTF-8, else one U+FFFD each.
class ByteFallbackDecoder : public Decoder {
public:
    void apply(std::vector<std::string> &tokens) const override
    {
        std::vector<std::string> out;
        std::string bytes;
        size_t count = 0;
        auto flush = [&] {
            if (count == 0)
                return;
            bool valid = true;
            try {
                decodeUtf8(bytes);
            } catch (const Error &) {
                valid = false;
            }
            if (valid)
                out.push_back(bytes);
            else
                out.insert(out.end(), count, "\xEF\xBF\xBD");
            bytes.clear();
            count = 0;
        };
        for (const std::string &token : tokens) {
            const bool isByte = token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>' &&
                                std::isxdigit(static_cast<unsigned char>(token[3])) &&
                                std::isxdigit(static_cast<unsigned char>(token[4]));
            if (isByte) {
                bytes.push_back(char(std::stoi(token.substr(3, 2), nullptr, 16)));
                ++count;
            } else {
                flush();
                out.push_back(token);
            }
        }
        flush();
        tokens.swap(out);
    }
};

class FuseDecoder : public Decoder {
public:
    void apply(std::vector<std::string> &tokens) const override
    {
        std::string all;
        for (const std::string &token : tokens)
            all += token;
        tokens = {all};
    }
};

class StripDecoder : public Decoder {
public:
    char32_t content = ' ';
    size_t start = 0, stop = 0;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (std::string &token : tokens) {
            std::u32string chars = decodeUtf8(token);
            size_t begin = 0, end = chars.size();
            while (begin < start && begin < end && chars[begin] == content)
                ++begin;
            size_t cut = 0;
            while (cut < stop && end > begin && chars[end - 1] == content) {
                --end;
                ++cut;
            }
            token = encodeUtf8(chars.substr(begin, end - begin));
        }
    }
};

class MetaspaceDecoder : public Decoder {
public:
    std::string replacement = "\u2581";
    bool prepend = true;
    void apply(std::vector<std::string> &tokens) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            tokens[i] = replaceText(tokens[i], replacement, " ");
            if (i == 0 && prepend && !tokens[i].empty() && tokens[i][0] == ' ')
                tokens[i].erase(0, 1);
        }
    }
};

// ---- post-processors ----

void append(Encoding &to, const Encoding &from, int64_t typeId, bool keepTypes)
{
    to.ids.insert(to.ids.end(), from.ids.begin(), from.ids.end());
    to.tokens.insert(to.tokens.end(), from.tokens.begin(), from.tokens.end());
    to.offsets.insert(to.offsets.end(), from.offsets.begin(), from.offsets.end());
    if (keepTypes)
        to.typeIds.insert(to.typeIds.end(), from.typeIds.begin(), from.typeIds.end());
    else
        to.typeIds.insert(to.typeIds.end(), from.ids.size(), typeId);
    to.specialTokens.insert(to.specialTokens.end(), from.specialTokens.begin(), from.specialTokens.end());
}
void appendSpecial(Encoding &to, int64_t id, const std::string &token, int64_t typeId)
{
    to.ids.push_back(id);
    to.tokens.push_back(token);
    to.offsets.emplace_back(0, 0);
    to.typeIds.push_back(typeId);
    to.specialTokens.push_back(true);
}
// Without special tokens: the sequences one after the other, the second with type id 1.
Encoding plainPair(Encoding first, const Encoding *second)
{
    if (second)
        append(first, *second, 1, false);
    return first;
}

// The ByteLevel processor's trim_offsets: offsets leave out a token's leading and trailing
// spaces (the first token keeps one leading space that add_prefix_space put there).
void trimOffsets(Encoding &e, bool addPrefixSpace)
{
    const char32_t space = byteToUnicode()[' '];
    for (size_t i = 0; i < e.tokens.size(); ++i) {
        if (e.specialTokens[i])
            continue;
        const std::u32string chars = decodeUtf8(e.tokens[i]);
        auto isSpace = [&](char32_t c) { return c == space || isWhiteSpace(c); };
        size_t leading = 0, trailing = 0;
        while (leading < chars.size() && isSpace(chars[leading]))
            ++leading;
        while (trailing < chars.size() && isSpace(chars[chars.size() - 1 - trailing]))
            ++trailing;
        auto &[start, end] = e.offsets[i];
        if (leading > 0) {
            const bool first = i == 0 || start == 0;
            if (first && addPrefixSpace && leading == 1)
                leading = 0;
            start = std::min(start + int64_t(leading), end);
        }
        if (trailing > 0 && end >= int64_t(trailing))
            end = std::max(end - int64_t(trailing), start);
    }
}

class ByteLevelProcessor : public PostProcessor {
public:
    bool trim = false, addPrefixSpace = false;
    Encoding process(Encoding first, const Encoding *second, bool) const override
    {
        Encoding other = second ? *second : Encoding();
        if (trim) {
            trimOffsets(first, addPrefixSpace);
            trimOffsets(other, addPrefixSpace);
        }
        return plainPair(std::move(first), second ? &other : nullptr);
    }
};

class RobertaProcessor : public PostProcessor {
public:
    std::string cls, sep;
    int64_t clsId = 0, sepId = 0;
    bool trim = true, addPrefixSpace = false;
    Encoding process(Encoding first, const Encoding *second, bool addSpecialTokens) const override
    {
        Encoding other = second ? *second : Encoding();
        if (trim) {
            trimOffsets(first, addPrefixSpace);
            trimOffsets(other, addPrefixSpace);
        }
        if (!addSpecialTokens)
            return plainPair(std::move(first), second ? &other : nullptr);
        Encoding out;
        appendSpecial(out, clsId, cls, 0);
        append(out, first, 0, false);
        appendSpecial(out, sepId, sep, 0);
        if (second) {
            appendSpecial(out, sepId, sep, 0);
            append(out, other, 0, false);
            appendSpecial(out, sepId, sep, 0);
        }
        return out;
    }
};

class TemplateProcessor : public PostProcessor {
public:
    struct Item {
        bool special;
        std::string name; // "A" / "B" or the special token's key
        int64_t typeId;
    };
    std::vector<Item> single, pair;
    std::map<std::string, std::pair<std::vector<int64_t>, std::vector<std::string>>> specials;
    Encoding process(Encoding first, const Encoding *second, bool addSpecialTokens) const override
    {
        // Without special tokens the template still gives the sequences their type ids.
        Encoding out;
        for (const Item &item : second ? pair : single) {
            if (!item.special) {
                append(out, item.name == "B" && second ? *second : first, item.typeId, false);
                continue;
            }
            if (!addSpecialTokens)
                continue;
            const auto &[ids, tokens] = specials.at(item.name);
            for (size_t i = 0; i < ids.size(); ++i)
                appendSpecial(out, ids[i], tokens[i], item.typeId);
        }
        return out;
    }
};

class SequenceProcessor : public PostProcessor {
public:
    std::vector<std::unique_ptr<PostProcessor>> steps;
    Encoding process(Encoding first, const Encoding *second, bool addSpecialTokens) const override
    {
        for (size_t i = 0; i < steps.size(); ++i)
            first = steps[i]->process(std::move(first), i == 0 ? second : nullptr, addSpecialTokens);
        return first;
    }
};

std::vector<TemplateProcessor::Item> parseTemplate(const json &list, const Where &where)
{
    if (!list.is_array())
        throw Error("must be a list of {\"SpecialToken\": ...} and {\"Sequence\": ...}", where.file, where.key);
    std::vector<TemplateProcessor::Item> items;
    for (size_t i = 0; i < list.size(); ++i) {
        const json &entry = list[i];
        const Where at = where.index(i);
        const bool special = entry.is_object() && entry.contains("SpecialToken");
        if (!special && !(entry.is_object() && entry.contains("Sequence")))
            throw Error("must be {\"SpecialToken\": ...} or {\"Sequence\": ...}, not " + entry.dump(), at.file, at.key);
        const json &body = entry[special ? "SpecialToken" : "Sequence"];
        items.push_back({special, stringMember(body, "id", at), body.value("type_id", int64_t(0))});
    }
    return items;
}

} // namespace

std::unique_ptr<Decoder> parseDecoder(const json &object, const Where &where)
{
    if (object.is_null())
        return nullptr;
    const std::string type = stageType(object, where);
    if (type == "Sequence") {
        auto sequence = std::make_unique<SequenceDecoder>();
        const json &list = member(object, "decoders", where);
        if (!list.is_array())
            throw Error("must be a list", where.file, where.at("decoders").key);
        for (size_t i = 0; i < list.size(); ++i)
            if (auto step = parseDecoder(list[i], where.at("decoders").index(i)))
                sequence->steps.push_back(std::move(step));
        return sequence;
    }
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelDecoder>();
    if (type == "ByteFallback")
        return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse")
        return std::make_unique<FuseDecoder>();
    if (type == "Replace") {
        auto replace = std::make_unique<ReplaceDecoder>();
        const json &pattern = member(object, "pattern", where);
        if (!pattern.is_object() || !pattern.contains("String") || !pattern["String"].is_string())
            throw Error("only {\"String\": ...} patterns are supported in a Replace decoder, not " + pattern.dump(),
                        where.file, where.at("pattern").key);
        replace->from = pattern["String"].get<std::string>();
        replace->to = stringMember(object, "content", where);
        return replace;
    }
    if (type == "Strip") {
        auto strip = std::make_unique<StripDecoder>();
        strip->content = singleChar(stringMember(object, "content", where), where.at("content"));
        strip->start = object.value("start", size_t(0));
        strip->stop = object.value("stop", size_t(0));
        return strip;
    }
    if (type == "Metaspace") {
        auto meta = std::make_unique<MetaspaceDecoder>();
        meta->replacement = object.value("replacement", std::string("\u2581"));
        const std::string scheme = object.value(
            "prepend_scheme", std::string(boolMember(object, "add_prefix_space", true) ? "always" : "never"));
        meta->prepend = scheme != "never";
        return meta;
    }
    throw Error(unsupported("decoder", type, "Sequence, ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace"),
                where.file, where.at("type").key);
}

std::unique_ptr<PostProcessor> parsePostProcessor(const json &object, const Where &where)
{
    if (object.is_null())
        return nullptr;
    const std::string type = stageType(object, where);
    if (type == "Sequence") {
        auto sequence = std::make_unique<SequenceProcessor>();
        const json &list = member(object, "processors", where);
        if (!list.is_array())
            throw Error("must be a list", where.file, where.at("processors").key);
        for (size_t i = 0; i < list.size(); ++i)
            if (auto step = parsePostProcessor(list[i], where.at("processors").index(i)))
                sequence->steps.push_back(std::move(step));
        return sequence;
    }
    if (type == "ByteLevel") {
        auto level = std::make_unique<ByteLevelProcessor>();
        level->trim = boolMember(object, "trim_offsets", true);
        level->addPrefixSpace = boolMember(object, "add_prefix_space", true);
        return level;
    }
    if (type == "RobertaProcessing" || type == "BertProcessing") {
        auto roberta = std::make_unique<RobertaProcessor>();
        auto token = [&](const char *name, std::string &text, int64_t &id) {
            const json &pair = member(object, name, where);
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_number_integer())
                throw Error("must be [\"token\", id], not " + pair.dump(), where.file, where.at(name).key);
            text = pair[0].get<std::string>();
            id = pair[1].get<int64_t>();
        };
        token("cls", roberta->cls, roberta->clsId);
        token("sep", roberta->sep, roberta->sepId);
        // BertProcessing is the same frame without offset trimming.
        roberta->trim = type == "RobertaProcessing" && boolMember(object, "trim_offsets", true);
        roberta->addPrefixSpace = boolMember(object, "add_prefix_space", true);
        return roberta;
    }
    if (type == "TemplateProcessing") {
        auto processor = std::make_unique<TemplateProcessor>();
        processor->single = parseTemplate(member(object, "single", where), where.at("single"));
        processor->pair = parseTemplate(member(object, "pair", where), where.at("pair"));
        const json &specials = object.value("special_tokens", json::object());
        for (auto it = specials.begin(); it != specials.end(); ++it) {
            const Where at = where.at("special_tokens").at(it.key());
            const json &ids = member(it.value(), "ids", at);
            const json &tokens = member(it.value(), "tokens", at);
            if (!ids.is_array() || !tokens.is_array() || ids.size() != tokens.size())
                throw Error("\"ids\" and \"tokens\" must be lists of one length", at.file, at.key);
            auto &entry = processor->specials[it.key()];
            for (size_t i = 0; i < ids.size(); ++i) {
                entry.first.push_back(ids[i].get<int64_t>());
                entry.second.push_back(tokens[i].get<std::string>());
            }
        }
        for (const auto *list : {&processor->single, &processor->pair})
            for (const auto &item : *list)
                if (item.special && !processor->specials.count(item.name))
                    throw Error("the template uses \"" + item.name + "\", which special_tokens does not define",
                                where.file, where.at("special_tokens").key);
        return processor;
    }
    throw Error(unsupported("post_processor", type,
                            "Sequence, ByteLevel, RobertaProcessing, BertProcessing, TemplateProcessing"),
                where.file, where.at("type").key);
}

std::unique_ptr<Decoder> byteLevelDecoder()
{
    return std::make_unique<ByteLevelDecoder>();
}

} // namespace tessera::detail::tok
