#pragma once
// The projector's loading job: a source described by a plain settings struct in, the rows to
// lay out (an EmbeddingSet) out. No Qt types; it runs on a worker thread.

#include "tessera/core/EmbeddingSources.h"
#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"

#include <string>
#include <vector>

namespace tessera::projector {

struct SourceSettings {
    std::string kind;                   // pixels, matrix, tokens, positions, contextual, sentences, images, snapshot
    std::string path;                   // the matrix file, checkpoint folder or training-run folder
    std::string tensor;                 // a safetensors tensor or snapshot weight; empty for the default
    std::string labels;                 // a labels file for a matrix; empty for none
    std::vector<std::string> sentences; // the corpus of contextual / sentence sources
    int layer = -1;                     // hidden-state layer, -1 = last
    int count = 10000;                  // Fashion-MNIST images (pixels / images)
    int snapshot = -1;                  // snapshot index of a training run, -1 = last
    std::string token;                  // contextual: keep only this word's occurrences; empty = all
    bool mean = false;                  // sentence embeddings: mean-pooled instead of [CLS]
};

// The job body. Throws tessera::Error (a missing file, fewer than two rows) and
// CancelledError when cancelled.
projection::EmbeddingSet loadEmbeddings(const SourceSettings &settings, JobContext &context);

// The element-wise mean of the given rows of vectors [n, d]: d values (a cluster's centre).
template <typename Rows> std::vector<float> meanOfRows(const Matrix &vectors, const Rows &rows)
{
    std::vector<float> mean(size_t(vectors.cols), 0.0f);
    for (auto row : rows)
        for (int64_t j = 0; j < vectors.cols; ++j)
            mean[size_t(j)] += vectors.at(row, j) / float(rows.size());
    return mean;
}

} // namespace tessera::projector
