#pragma once
// The point sets the embedding projector lays out: any N x D matrix from a file, a checkpoint's
// token and position embedding tables, contextual token embeddings and sentence embeddings of a
// text model, ViT [CLS] embeddings of Fashion-MNIST images, and a weight matrix of a training
// run's snapshot. Every source returns one row per point with its hover text and, where the
// points fall into a few classes, a colour category. Plain C++ (LibTorch stays inside core);
// any thread; the functions that run a model report progress and cancel through JobContext
// (CancelledError). Failures throw tessera::Error naming the file, the key and the reason;
// nothing is returned half-made.

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"

#include <string>
#include <vector>

namespace tessera::projection {

struct EmbeddingSet {
    Matrix vectors;                  // [N, D] one row per point
    std::vector<std::string> labels; // [N] hover / search text (see each source)
    std::vector<int> category;       // [N] index into categoryNames, -1 none; or empty
    std::vector<std::string> categoryNames;
    std::string description; // "bert-tiny-mlm: token embeddings (28996 x 32)"
};

// The most distinct values a labelling may take to also colour the points.
constexpr int kMaxCategories = 50;

// An N x D matrix from .npy, .safetensors or CSV (readMatrix of TableIO.h). For safetensors,
// tensor names the key (leading dimensions of 1 dropped); it may be empty when the file holds
// exactly one such matrix. A tensor of three or more dimensions ([batch, tokens, hidden]) is
// refused: save or pick one 2-D slice. labelsPath, when given, holds one label per line (.csv:
// the first comma-separated field, .tsv: the first tab-separated one); a first line is taken
// as a header and dropped when the file has N + 1 labels. Labels: those lines, else "row i".
// When the labels take at most kMaxCategories distinct values, each value is also a category
// (in order of first appearance).
EmbeddingSet matrixFile(const std::string &path, const std::string &tensor = {}, const std::string &labelsPath = {});

// The input token embedding table of a BERT (embeddings.word_embeddings.weight) or GPT-2
// (wte.weight) checkpoint folder, [vocabulary, hidden], read straight from model.safetensors
// (or its shards) with or without the bert. / transformer. prefix. Label of row i: the
// tokenizer's token i ("##ing", "Ġbank"), "id i" beyond the tokenizer or without one.
EmbeddingSet tokenEmbeddings(const std::string &modelDir);

// The learned position embedding table of a checkpoint folder: BERT position_embeddings and
// GPT-2 wpe [positions, hidden], ViT position_embeddings [1, patches + 1, hidden] as
// [patches + 1, hidden] ([CLS] first). Labels "position i". A model whose positions are not a
// learned table (sinusoidal, relative, rotary) is an error that says so.
EmbeddingSet positionEmbeddings(const std::string &modelDir);

// Contextual token embeddings: each sentence run alone through a BERT or GPT-2 checkpoint,
// hidden_states.{layer} (0 = the embeddings' output, 1..L after each layer, negative counts
// from the end: -1 = the last; GPT-2's last has ln_f applied), one row [hidden] per token.
// Special tokens ([CLS], [SEP], [MASK], [PAD]) are skipped. tokenFilter empty keeps every
// token; else only those whose text, case-folded and without WordPiece's "##" or byte-level
// BPE's leading space ("Ġ"), equals the case-folded filter: every occurrence of one word
// ("bank") across the sentences. Label: "<token> · sentence k: <first 40 characters>" (k from
// 1); category: the sentence index (names "sentence k: ...") when there are at most
// kMaxCategories sentences. Throws when no token is left.
EmbeddingSet contextualEmbeddings(const std::string &modelDir, const std::vector<std::string> &sentences, int layer,
                                  const std::string &tokenFilter, JobContext *context = nullptr);

// One row [hidden] per sentence from hidden_states.{layer} (as above): the first token's state
// ([CLS] for BERT; for GPT-2 the first token has seen nothing else, so mean pooling is the
// useful choice) or, with meanPool, the mean over the non-special tokens. Label: the sentence.
EmbeddingSet sentenceEmbeddings(const std::string &modelDir, const std::vector<std::string> &sentences, int layer,
                                bool meanPool, JobContext *context = nullptr);

// A ViT checkpoint run on the first count test images of Fashion-MNIST (fashionMnistDir, empty:
// Debian's /usr/share/datasets/fashion-mnist), each preprocessed as the ViT lens does (grey
// repeated to RGB when the model wants three channels, bilinear resize, preprocessor_config.json
// normalisation). One row [hidden] per image: the [CLS] token of last_hidden_state, i.e. after
// the final layer norm (what the classifier head reads). Label "image i: <class>"; category the
// Fashion-MNIST class, categoryNames the ten class names (T-shirt/top, Trouser, ...).
EmbeddingSet imageEmbeddings(const std::string &vitDir, const std::string &fashionMnistDir, int count,
                             JobContext *context = nullptr);

// The tensors of a safetensors file that are matrices (floating point, two dimensions once
// leading dimensions of 1 are dropped, at least two rows), for a picker: sorted by name, the
// likely embedding tables ("embed", "wte", "wpe") first.
std::vector<std::string> embeddingTensorNames(const std::string &safetensorsPath);

// The file of a training run's snapshot snapshotIndex (0 = the first, -1 = the last, in the order of
// readSnapshotIndex's steps): runDir/snapshots/step-<step>.safetensors. Throws for an index out
// of range or a folder without snapshots.
std::string snapshotFile(const std::string &runDir, int snapshotIndex);

// One matrix of a training run's snapshot (token_embeddings, position_embeddings, a
// weights.<name> of a small ViT run; see Training.h), stored there as float16. Labels: the
// run's tokenizer tokens when the rows are its vocabulary, "position i" for position tables,
// else "row i".
EmbeddingSet snapshotEmbeddings(const std::string &runDir, int snapshotIndex, const std::string &tensorName);

} // namespace tessera::projection
