// The BPE model with the semantics of Hugging Face `tokenizers` (Bpe.h).

#include "tokenizers/Bpe.h"

#include "tessera/core/Error.h"
#include "tessera/core/Tokenizer.h"

#include "UnicodeText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <mutex>
#include <queue>

namespace tessera::detail::tok {
namespace {

using namespace detail::unicode;
using nlohmann::json;

class BpeModel : public Model {
public:
    BpeModel(BpeSettings settings, const std::string &source) : m_settings(std::move(settings))
    {
        checkTokenIds(m_settings.vocabulary, {}, source); // before tokens() builds a table of them
        for (size_t rank = 0; rank < m_settings.merges.size(); ++rank) {
            const auto &[left, right] = m_settings.merges[rank];
            const int64_t a = id(left), b = id(right), merged = id(left + right);
            if (a < 0 || b < 0 || merged < 0)
                throw Error("merge " + std::to_string(rank) + " (\"" + left + "\" \"" + right +
                                "\") uses or makes a token the vocabulary lacks (merges and vocabulary disagree)",
                            source, "model.merges");
            m_merges.emplace(pairKey(a, b), Merge{int(rank), merged}); // the first (best) rank wins
        }
        if (!m_settings.unknown.empty()) {
            m_unknownId = id(m_settings.unknown);
            if (m_unknownId < 0)
                throw Error("the unknown token \"" + m_settings.unknown + "\" is not in the vocabulary", source,
                            "model.unk_token");
        }
        m_byteIds.fill(-1);
        if (m_settings.byteFallback)
            for (int b = 0; b < 256; ++b) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", b);
                m_byteIds[size_t(b)] = id(name);
            }
    }

    const std::unordered_map<std::string, int64_t> &vocabulary() const override { return m_settings.vocabulary; }
    std::vector<std::string> tokens() const override
    {
        int64_t largest = -1;
        for (const auto &[token, i] : m_settings.vocabulary)
            largest = std::max(largest, i);
        std::vector<std::string> out(size_t(largest + 1));
        for (const auto &[token, i] : m_settings.vocabulary)
            out[size_t(i)] = token;
        return out;
    }
    std::string name() const override { return "BPE"; }
    std::string details() const override
    {
        return std::to_string(m_settings.merges.size()) + " merges" +
               (m_settings.byteFallback ? ", byte fallback" : "");
    }

    // With a cache of recent words (text repeats words).
    std::vector<ModelToken> tokenize(const std::u32string &word) const override
    {
        {
            std::lock_guard<std::mutex> lock(m_cacheMutex);
            const auto cached = m_cache.find(word);
            if (cached != m_cache.end())
                return cached->second;
        }
        std::vector<ModelToken> tokens = merge(word);
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (m_cache.size() < 100000 && word.size() < 256)
            m_cache.emplace(word, tokens);
        return tokens;
    }

private:
    struct Merge {
        int rank;
        int64_t id;
    };
    static uint64_t pairKey(int64_t a, int64_t b) { return (uint64_t(a) << 32) | uint64_t(b); }

    int64_t id(const std::string &token) const
    {
        const auto it = m_settings.vocabulary.find(token);
        return it == m_settings.vocabulary.end() ? -1 : it->second;
    }

    // Characters to symbols (byte fallback, unknowns), then merges by rank: always the best-ranked
    // pair, the leftmost of equals, as the reference's priority queue does (linear-logarithmic:
    // Llama-2 has no pre-tokenizer, so a whole text can be one word).
    std::vector<ModelToken> merge(const std::u32string &word) const
    {
        if (m_settings.ignoreMerges) {
            const int64_t whole = id(encodeUtf8(word));
            if (whole >= 0)
                return {{whole, 0, word.size(), {}}};
        }
        struct Symbol {
            int64_t id;
            size_t begin, end;
            int prev, next;
            bool unknown;
        };
        std::vector<Symbol> symbols;
        for (size_t i = 0; i < word.size(); ++i) {
            const std::string text = utf8Of(word[i]);
            const int64_t known = id(text);
            if (known >= 0) {
                symbols.push_back({known, i, i + 1, 0, 0, false});
                continue;
            }
            if (m_settings.byteFallback &&
                std::all_of(text.begin(), text.end(), [&](char b) { return m_byteIds[uint8_t(b)] >= 0; })) {
                for (char b : text)
                    symbols.push_back({m_byteIds[uint8_t(b)], i, i + 1, 0, 0, false});
                continue;
            }
            if (m_unknownId < 0)
                continue; // no unknown token: the reference drops the character
            if (m_settings.fuseUnknown && !symbols.empty() && symbols.back().unknown && symbols.back().end == i)
                symbols.back().end = i + 1;
            else
                symbols.push_back({m_unknownId, i, i + 1, 0, 0, true});
        }
        const int n = int(symbols.size());
        for (int i = 0; i < n; ++i) {
            symbols[size_t(i)].prev = i - 1;
            symbols[size_t(i)].next = i + 1 < n ? i + 1 : -1;
        }
        struct Candidate {
            int rank;
            int left;
            int64_t leftId, rightId;
            bool operator>(const Candidate &o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
        };
        std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
        auto consider = [&](int left) {
            if (left < 0)
                return;
            const int right = symbols[size_t(left)].next;
            if (right < 0)
                return;
            const auto it = m_merges.find(pairKey(symbols[size_t(left)].id, symbols[size_t(right)].id));
            if (it != m_merges.end())
                queue.push({it->second.rank, left, symbols[size_t(left)].id, symbols[size_t(right)].id});
        };
        for (int i = 0; i < n; ++i)
            consider(i);
        std::vector<bool> gone(size_t(n), false);
        while (!queue.empty()) {
            const Candidate c = queue.top();
            queue.pop();
            Symbol &left = symbols[size_t(c.left)];
            // Stale: one side merged since this pair was queued.
            if (gone[size_t(c.left)] || left.id != c.leftId || left.next < 0 ||
                symbols[size_t(left.next)].id != c.rightId)
                continue;
            const int rightIndex = left.next;
            Symbol &right = symbols[size_t(rightIndex)];
            left.id = m_merges.at(pairKey(c.leftId, c.rightId)).id;
            left.end = right.end;
            left.unknown = false;
            left.next = right.next;
            if (right.next >= 0)
                symbols[size_t(right.next)].prev = c.left;
            gone[size_t(rightIndex)] = true;
            consider(left.prev);
            consider(c.left);
        }
        std::vector<ModelToken> tokens;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = symbols[size_t(i)].next)
            tokens.push_back({symbols[size_t(i)].id, symbols[size_t(i)].begin, symbols[size_t(i)].end, {}});
        return tokens;
    }

    BpeSettings m_settings;
    std::unordered_map<uint64_t, Merge> m_merges;
    std::array<int64_t, 256> m_byteIds{};
    int64_t m_unknownId = -1;
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::u32string, std::vector<ModelToken>> m_cache;
};

std::string tokenName(const json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    return {};
}

} // namespace

std::unique_ptr<Model> makeBpeModel(BpeSettings settings, const std::string &source)
{
    return std::make_unique<BpeModel>(std::move(settings), source);
}

std::unique_ptr<Model> parseBpeModel(const json &model, const std::string &path)
{
    BpeSettings settings;
    const json &vocabulary = model.contains("vocab") ? model["vocab"] : json();
    if (!vocabulary.is_object() || vocabulary.empty())
        throw Error("the vocabulary must be a non-empty JSON object of token: id", path, "model.vocab");
    for (auto it = vocabulary.begin(); it != vocabulary.end(); ++it) {
        if (!it.value().is_number_integer())
            throw Error("the id of a token must be an integer", path, "model.vocab." + it.key());
        settings.vocabulary.emplace(it.key(), it.value().get<int64_t>());
    }
    const json list = model.value("merges", json::array());
    for (const auto &merge : list) {
        if (merge.is_string()) {
            const std::string text = merge.get<std::string>();
            const size_t space = text.find(' ', 1);
            if (space == std::string::npos)
                throw Error("merge \"" + text + "\" is not two symbols", path, "model.merges");
            settings.merges.emplace_back(text.substr(0, space), text.substr(space + 1));
        } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
            settings.merges.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
        } else {
            throw Error("a merge must be \"a b\" or [\"a\", \"b\"]", path, "model.merges");
        }
    }
    for (const char *name : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (model.contains(name) && !model[name].is_null() && model[name] != "")
            throw Error(std::string(name) + " is not supported in BPE models", path, std::string("model.") + name);
    if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"].get<double>() > 0)
        throw Error("BPE dropout is not supported (it makes tokenisation random)", path, "model.dropout");
    settings.unknown = tokenName(model.value("unk_token", json()));
    settings.fuseUnknown = model.value("fuse_unk", false);
    settings.byteFallback = model.value("byte_fallback", false);
    settings.ignoreMerges = model.value("ignore_merges", false);
    return makeBpeModel(std::move(settings), path);
}

} // namespace tessera::detail::tok
