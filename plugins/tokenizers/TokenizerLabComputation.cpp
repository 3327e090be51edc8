#include "TokenizerLabComputation.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace tessera::tokenizerlab {

std::vector<TokenizerSource> bundledTokenizers(const std::string &folder)
{
    const std::string manifestPath = folder + "/manifest.json";
    nlohmann::json manifest;
    try {
        manifest = nlohmann::json::parse(readFile(manifestPath, size_t(1) << 20));
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), manifestPath);
    }
    if (!manifest.is_array())
        throw Error("expected a list of tokenizers", manifestPath);
    std::vector<TokenizerSource> sources;
    for (const nlohmann::json &entry : manifest) {
        if (!entry.is_object() || !entry.value("name", nlohmann::json()).is_string() ||
            !entry.value("folder", nlohmann::json()).is_string())
            throw Error("every entry needs a \"name\" and a \"folder\" (strings)", manifestPath);
        const std::string path = folder + "/" + entry["folder"].get<std::string>();
        if (!std::filesystem::is_directory(path))
            continue;
        sources.push_back({entry["name"].get<std::string>(), path, entry.value("note", std::string())});
    }
    return sources;
}

std::shared_ptr<const Tokenizer> TokenizerCache::get(const std::string &path)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (auto it = m_loaded.find(path); it != m_loaded.end())
            return it->second;
    }
    // Loaded outside the lock: another source may load meanwhile.
    std::shared_ptr<const Tokenizer> tokenizer = loadTokenizer(path);
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_loaded.emplace(path, std::move(tokenizer)).first->second;
}

TokenizerLabResult tokenizeWithEach(const std::string &text, const std::vector<TokenizerSource> &sources,
                                    bool specialTokens, TokenizerCache &cache, JobContext &context)
{
    TokenizerLabResult result;
    result.text = text;
    for (size_t i = 0; i < sources.size(); ++i) {
        context.throwIfCancelled();
        context.setProgress(double(i) / double(sources.size()), sources[i].name);
        TokenizerRun run;
        run.source = sources[i];
        try {
            const std::shared_ptr<const Tokenizer> tokenizer = cache.get(sources[i].path);
            run.description = tokenizer->description();
            run.encoding = tokenizer->encode(text, specialTokens);
            run.labels = displayTokens(*tokenizer, run.encoding);
            // By id: SentencePiece reports an unknown piece by its text ("▁") with the unknown id.
            const int64_t unknownIds[] = {tokenizer->tokenToId("[UNK]"), tokenizer->tokenToId("<unk>")};
            for (int64_t id : run.encoding.ids)
                run.unknown.push_back(id >= 0 && (id == unknownIds[0] || id == unknownIds[1]));
        } catch (const std::exception &e) {
            run.error = e.what();
        }
        result.runs.push_back(std::move(run));
    }
    context.setProgress(1.0);
    return result;
}

} // namespace tessera::tokenizerlab
