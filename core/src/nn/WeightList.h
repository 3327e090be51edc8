#pragma once
// Internal to core: the weights a family's network reads, each declared once with its shape.
// A family builds its list in its constructor and keeps the handles it gets back (nn::Linear,
// nn::LayerNorm, names); the loader checks a checkpoint against the list (every name present,
// every shape right), training makes its weights from it, and the forward pass reads the same
// handles. Plain data; any thread.

#include "Layers.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::detail::nn {

// Which part of a model a weight belongs to: a checkpoint may come without the pooler or the
// prediction head (BertModel vs BertForMaskedLM).
enum class Part { body, pooler, head };

struct WeightSpec {
    std::string name;           // canonical name, prefix removed
    std::vector<int64_t> shape; // as config.json implies
    Part part = Part::body;
    std::string tiedTo;       // with tie_word_embeddings: this output embedding is that input embedding
    std::string alsoStoredAs; // another name a checkpoint may use for it (legacy exports)
};

class WeightList {
public:
    // The part the next declarations belong to (body until changed).
    void setPart(Part part) { m_part = part; }

    std::string tensor(const std::string &name, std::vector<int64_t> shape);
    // An output embedding that is tiedTo (an input embedding) when the config ties them.
    std::string tied(const std::string &name, std::vector<int64_t> shape, const std::string &tiedTo);
    // A weight a checkpoint may store under a second name.
    std::string tensorAlsoStoredAs(const std::string &name, std::vector<int64_t> shape, const std::string &other);
    Linear linear(const std::string &name, int64_t out, int64_t in, bool bias = true);
    Conv1D conv1d(const std::string &name, int64_t in, int64_t out);
    LayerNorm layerNorm(const std::string &name, int64_t size, double eps);

    const std::vector<WeightSpec> &entries() const { return m_entries; }
    bool has(Part part) const;

private:
    std::vector<WeightSpec> m_entries;
    Part m_part = Part::body;
};

} // namespace tessera::detail::nn
