#pragma once
// Hugging Face checkpoints run natively: BERT (BertModel, BertForMaskedLM), GPT-2
// (GPT2Model, GPT2LMHeadModel) and ViT (ViTModel, ViTForImageClassification), numerically
// equal to `transformers`, with every internal captured. The public interface is plain C++
// (LibTorch stays inside core). A loaded model is immutable and run() keeps no state, so it may
// be called from any thread, also from several at once (the ViT lens measures an image set while
// it shows one image).

#include "tessera/core/Job.h"
#include "tessera/core/Matrix.h"
#include "tessera/core/PositionalEncoding.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tessera {

struct IntTensor {
    std::vector<int64_t> shape;
    std::vector<int64_t> values;
};

// Inputs by their Hugging Face forward names: integers input_ids, attention_mask,
// token_type_ids, position_ids ([batch, sequence]); encoder-decoders also decoder_input_ids and
// decoder_attention_mask ([batch, target]); floats pixel_values ([batch, 3, H, W]).
struct ModelInputs {
    std::map<std::string, IntTensor> integers;
    std::map<std::string, FloatTensor> floats;
};

struct CaptureOptions {
    bool attentions = true;             // attentions.{i}: [batch, heads, query, key] after softmax and masking
    bool hiddenStates = true;           // hidden_states.{i}: [batch, sequence, hidden], 0 = embeddings
    std::vector<int> layers;            // empty: every layer; else only these attentions / hidden states
    bool rollout = false;               // rollout: [batch, sequence, sequence] (Abnar & Zuidema)
    bool meanAttentionDistance = false; // ViT only: mean_attention_distance.{raw,renormalized} [layers, heads]
    // Step-through of one head of one layer (batch item 0), as the notes teach attention:
    // step.query, step.key, step.value [n, d_k]; step.scores = Q K^T [n, n]; step.scaled =
    // Q K^T / sqrt(d_k) with masked entries NaN [n, n]; step.weights = softmax [n, n];
    // step.output = weights V [n, d_k]. -1: no step-through.
    int stepLayer = -1;
    int stepHead = 0;
    // false computes attention with no mask at all (no padding mask, no causal mask): what the
    // masks prevent, made visible. Outputs then differ from the model's real behaviour.
    bool applyMasks = true;
    // When set, each captured attentions.{i} [batch, heads, query, key] is handed over here as
    // soon as its layer is done (on the thread running the model) instead of being stored in
    // the outputs, so a caller can keep it compactly while the next layer runs: the float32
    // peak is then one layer, not all of them. Only the "attentions" stack goes there; an
    // encoder-decoder's encoder_attentions, decoder_attentions and cross_attentions stay in the
    // outputs.
    std::function<void(int layer, FloatTensor &&attention)> onAttention;
};

// Outputs by the fixtures' names: logits, hidden_states.{i}, attentions.{i}, pooler_output, ...
using ModelOutputs = std::map<std::string, FloatTensor>;

struct ModelConfig {
    std::string modelType;    // "bert", "gpt2", "vit", "llama", "qwen3", ...
    std::string architecture; // "BertForMaskedLM", ... (first of "architectures")
    int64_t hiddenSize = 0;
    int64_t layers = 0;
    int64_t heads = 0;
    int64_t intermediateSize = 0;
    int64_t vocabularySize = 0;
    int64_t maxPositions = 0;
    int64_t typeVocabularySize = 0;
    double layerNormEps = 1e-12;
    std::string activation = "gelu";
    bool tieWordEmbeddings = true;
    std::string dtype = "float32";
    // ViT
    int64_t imageSize = 0;
    int64_t patchSize = 0;
    int64_t channels = 3;
    bool qkvBias = true;
    std::vector<std::string> labels; // id2label, index = class id
    // Special token ids from config.json, with generation_config.json beside it taking
    // precedence (Llama 3's chat models end a turn with any of three); -1 / empty: none.
    int64_t bosTokenId = -1;
    int64_t padTokenId = -1;
    std::vector<int64_t> eosTokenIds;
    // Llama-family decoders (llama, mistral, qwen2, qwen3, gemma3_text)
    int64_t keyValueHeads = 0;       // num_key_value_heads: query heads share these in groups (0: = heads)
    int64_t headSize = 0;            // head_dim where the config gives it (0: hidden / heads)
    RotaryEmbedding rope;            // RoPE of the full-attention layers (theta 0: no RoPE)
    RotaryEmbedding localRope;       // of the sliding-window layers (Gemma 3 gives them their own)
    int64_t slidingWindow = 0;       // keys a sliding-window query sees, itself included (0: none)
    std::vector<bool> slidingLayers; // per layer: it attends through the window
    bool outputBias = false;         // the attention output projection has a bias
    bool mlpBias = false;            // the gated MLP's projections have biases
    bool queryKeyNorm = false;       // per-head RMSNorm of q and k (Qwen3, Gemma 3)
    double queryScale = 0.0;         // query_pre_attn_scalar: scores times its -1/2 (0: head size's)
    double finalLogitSoftcap = 0.0;  // logits = cap tanh(logits / cap) (0: none)
    // Encoder-decoders (t5, bart): layers, heads and intermediateSize are the encoder's; the
    // decoder's are these. hidden_states / attentions become encoder_*, decoder_* and cross_*.
    int64_t decoderLayers = 0;
    int64_t decoderHeads = 0;
    int64_t decoderIntermediateSize = 0;
    int64_t decoderStartTokenId = -1; // decoder_start_token_id: the decoder's first input
    int64_t forcedBosTokenId = -1;    // forced_bos_token_id: generation's first token after the start (-1: free)
    int64_t forcedEosTokenId = -1;    // forced_eos_token_id: the last token when generation reaches its limit
    int64_t relativeBuckets = 0;      // T5's relative_attention_num_buckets (0: no relative positions)
    int64_t relativeMaxDistance = 0;  // relative_attention_max_distance
    bool gatedFeedForward = false;    // T5 v1.1 "gated-gelu": wo(act(wi_0 x) * wi_1 x)
    bool scaleEmbedding = false;      // BART's scale_embedding: token embeddings times sqrt(hidden)
    bool scaleDecoderOutputs = false; // T5: the decoder's output times hidden^-1/2 before a tied head

    int64_t keyValueHeadCount() const { return keyValueHeads > 0 ? keyValueHeads : heads; }
    int64_t headDimension() const { return headSize > 0 ? headSize : (heads > 0 ? hiddenSize / heads : 0); }

    // Parses config.json (transformers 4 and 5 styles). Throws tessera::Error naming the key.
    static ModelConfig fromFile(const std::string &path);
    // The parameter count of the architecture this config describes, from the config alone.
    int64_t parameterCount() const;
};

// What a model can do. Panels, widgets and the CLI ask these, never the model_type string: a
// new family that sets them right works in every panel that needs what it offers.
struct ModelCapabilities {
    bool textInput = false;             // takes input_ids [batch, sequence]
    bool tokenTypes = false;            // also token_type_ids (BERT's segments)
    bool bidirectional = false;         // a text encoder: every token sees every other ([CLS] ... [SEP])
    bool maskedLanguageModel = false;   // logits [batch, sequence, vocabulary] that fill [MASK]
    bool causalLanguageModel = false;   // next-token logits [batch, sequence, vocabulary]
    bool generates = false;             // greedy / sampled text generation (generateText)
    bool imageInput = false;            // takes pixel_values [batch, channels, H, W]
    bool patchGrid = false;             // a ViT patch grid plus [CLS]: patch attention, mean attention distance
    bool imageClassification = false;   // logits [batch, labels]
    bool detection = false;             // DETR boxes and classes
    bool denoising = false;             // predicts noise (diffusion)
    bool encoderDecoder = false;        // an encoder read by a decoder through cross-attention
    bool conditionalGeneration = false; // writes a target text from a source text (generateSequence: T5, BART)
    bool learnedPositions = false;      // a learned position table (Model::positionTable)
    bool rotaryPositions = false;       // rotary position embeddings (ModelConfig::rope)
};

// One stack of attention layers a run can capture: its outputs are "<name>.{i}",
// [batch, queryHeads, query, key] after softmax and masking.
struct AttentionStack {
    std::string name; // "attentions", "encoder_attentions", "decoder_attentions", "cross_attentions"
    int64_t layers = 0;
    int64_t queryHeads = 0;
    int64_t keyValueHeads = 0;       // = queryHeads without grouped key/value heads
    bool causal = false;             // a query sees no later key
    int64_t slidingWindow = 0;       // a query sees at most this many keys back (0: no window)
    std::vector<bool> slidingLayers; // which layers use the window (empty: all, where slidingWindow > 0)
};

struct ModelTensorInfo {
    std::string name; // as in the file
    std::vector<int64_t> shape;
    std::string dtype; // as stored
};

struct ModelInfo {
    ModelConfig config;
    std::string folder;
    std::vector<std::string> files;          // files read
    std::vector<ModelTensorInfo> tensors;    // weights used, file names
    std::vector<std::string> unexpectedKeys; // in the file, not used (like from_pretrained reports)
    int64_t parameters = 0;                  // counted from the loaded weights
    ModelCapabilities capabilities;
    std::vector<AttentionStack> attentionStacks; // what CaptureOptions::attentions captures
};

// True when two models can be compared head by head: the same family and architecture, layers,
// heads and vocabulary.
bool sameArchitecture(const ModelInfo &a, const ModelInfo &b);

// What the checkpoint in folder can do, from its config.json alone (no weights read): cheap
// enough for a panel's canOpen. A head's presence is judged by "architectures". Throws
// tessera::Error naming the file and key for a folder that is not a supported checkpoint.
ModelCapabilities folderCapabilities(const std::string &folder);

class Model {
public:
    virtual ~Model() = default;
    virtual const ModelInfo &info() const = 0;
    // Runs the forward pass (no gradients). Throws tessera::Error for inputs that do not fit
    // (names, shapes, ids outside the vocabulary, sequences longer than the position table).
    virtual ModelOutputs run(const ModelInputs &inputs, const CaptureOptions &capture = {},
                             JobContext *context = nullptr) const = 0;
    // The learned position table [positions, hidden] (ViT: [patches + 1, hidden]).
    virtual Matrix positionTable() const = 0;
    // One weight by its canonical name (the checkpoint key without the architecture prefix,
    // "embeddings.patch_embeddings.projection.weight" [hidden, channels, patch, patch]), as
    // float32. Throws tessera::Error for a name the model does not have.
    virtual FloatTensor weight(const std::string &name) const = 0;
};

// Loads config.json and model.safetensors (or a sharded model.safetensors.index.json) from a
// checkpoint folder. Pickle (.bin) and TorchScript files are refused with the safe
// alternative; missing weights, shapes that disagree with the config and unknown
// model_type values are errors naming the file and key; nothing is half-loaded.
std::unique_ptr<Model> loadModel(const std::string &folder, JobContext *context = nullptr);

// The same as loadModel, but a folder already loaded elsewhere in the process (and still in
// use) is shared instead of loaded twice. Thread-safe.
std::shared_ptr<const Model> sharedModel(const std::string &folder, JobContext *context = nullptr);

// Attention rollout (Abnar & Zuidema 2020): per layer the head mean A, 0.5 A + 0.5 I with rows
// renormalised, multiplied from the first layer up. attentions: [batch, heads, n, n] per
// layer -> [batch, n, n].
FloatTensor attentionRollout(const std::vector<FloatTensor> &attentions);

// ViT mean attention distance (Dosovitskiy et al. 2020, Fig. 7): for each layer and head,
// the attention-weighted distance in pixels between patch centres (grid index x patch size),
// CLS excluded as query and key, averaged over query patches and the batch. renormalized
// rescales each query's patch weights to sum to 1 first. -> [layers, heads].
FloatTensor meanAttentionDistance(const std::vector<FloatTensor> &attentions, int64_t gridWidth, int64_t patchSize,
                                  bool renormalized);

} // namespace tessera
