// tessera-cli run: a checkpoint on named inputs; every captured internal into a safetensors file.

#include "Arguments.h"
#include "Commands.h"
#include "LensMethods.h"

#include "tessera/core/Error.h"
#include "tessera/core/Model.h"
#include "tessera/core/Safetensors.h"

#include <memory>

namespace tessera::app {

extern const char runHelp[] =
    "  run --model DIR --inputs IN.safetensors --out OUT.safetensors [--with rollout,mean-attention-distance]\n"
    "                 [--layers 0,3] [--no-attentions] [--no-hidden-states]\n"
    "                 Run a checkpoint on inputs named like the Hugging Face forward arguments\n"
    "                 (input_ids, attention_mask, token_type_ids, position_ids, pixel_values; T5's and\n"
    "                 BART's decoder_input_ids and decoder_attention_mask; DETR's pixel_values and\n"
    "                 pixel_mask) and write every captured internal (attentions.{i}, hidden_states.{i},\n"
    "                 logits; encoder-decoders' encoder_attentions.{i}, decoder_attentions.{i},\n"
    "                 cross_attentions.{i}, encoder_hidden_states.{i}, decoder_hidden_states.{i};\n"
    "                 DETR's pred_boxes, ...).\n"
    "      --with logit-lens,dla,ablation,patching,saliency,integrated-gradients,chefer,attention-flow\n"
    "                 [--target ID] [--contrast ID] [--corrupted CORRUPTED.safetensors] [--ig-steps N]\n"
    "                 adds the Lens on batch item 0 at its last real token (images: [CLS]): logit_lens.{l},\n"
    "                 dla.*, ablation.heads, patching.* (--corrupted is the corrupted run, as long as the\n"
    "                 inputs), saliency.*, ig, ig.total, chefer.*, attention_flow.cls. --target is a token id\n"
    "                 or class (default: the top prediction); --contrast makes the metric logit(target) -\n"
    "                 logit(contrast); saliency and integrated gradients explain log p(target).\n";

namespace {

ModelInputs readInputs(const std::string &path)
{
    const SafetensorsFile file(path);
    ModelInputs inputs;
    for (const std::string &key : file.keys()) {
        if (key == "input_ids" || key == "attention_mask" || key == "token_type_ids" || key == "position_ids" ||
            key == "timestep" || key == "pixel_mask" || key == "decoder_input_ids" || key == "decoder_attention_mask")
            inputs.integers[key] = {file.info(key).shape, file.readInt64(key)};
        else if (key == "pixel_values" || key == "sample")
            inputs.floats[key] = file.readFloat(key);
        else
            throw Error("unexpected input (expected input_ids, attention_mask, token_type_ids, position_ids, "
                        "decoder_input_ids, decoder_attention_mask, pixel_values, pixel_mask, or a UNet's sample "
                        "and timestep)",
                        path, key);
    }
    return inputs;
}

// A token id or class from --NAME's value; false when it is not a non-negative integer.
bool readId(const QString &text, int64_t &id)
{
    bool ok = false;
    id = text.toLongLong(&ok);
    return ok && id >= 0;
}

} // namespace

int runCommand(Studio &, const QStringList &arguments)
{
    QString modelPath, inputsPath, outPath, corruptedPath, number;
    CaptureOptions capture;
    LensRequest lensRequest;
    Arguments reader(arguments);
    while (!reader.atEnd()) {
        QString list;
        if (reader.value("--model", modelPath)) {
        } else if (reader.value("--inputs", inputsPath)) {
        } else if (reader.value("--out", outPath)) {
        } else if (reader.flag("--no-attentions"))
            capture.attentions = false;
        else if (reader.flag("--no-hidden-states"))
            capture.hiddenStates = false;
        else if (reader.value("--with", list)) {
            for (const QString &extra : list.split(',', Qt::SkipEmptyParts)) {
                if (extra == "rollout")
                    capture.rollout = true;
                else if (extra == "mean-attention-distance")
                    capture.meanAttentionDistance = true;
                else if (isLensMethod(extra))
                    lensRequest.methods.push_back(extra);
                else
                    return usageError(
                        QStringLiteral("--with: unknown analysis \"%1\" (rollout, mean-attention-distance, %2)")
                            .arg(extra, QLatin1String(lensMethodList())));
            }
        } else if (reader.value("--target", number)) {
            if (!readId(number, lensRequest.target))
                return usageError(QStringLiteral("--target: \"%1\" is not a token id or class").arg(number));
        } else if (reader.value("--contrast", number)) {
            if (!readId(number, lensRequest.contrast))
                return usageError(QStringLiteral("--contrast: \"%1\" is not a token id or class").arg(number));
        } else if (reader.value("--corrupted", corruptedPath)) {
        } else if (reader.value("--ig-steps", number)) {
            bool ok = false;
            lensRequest.igSteps = number.toInt(&ok);
            if (!ok || lensRequest.igSteps < 1)
                return usageError(QStringLiteral("--ig-steps: \"%1\" is not a positive step count").arg(number));
        } else if (reader.value("--layers", list)) {
            for (const QString &layer : list.split(',', Qt::SkipEmptyParts)) {
                bool ok = false;
                const int value = layer.toInt(&ok);
                if (!ok || value < 0)
                    return usageError(QStringLiteral("--layers: \"%1\" is not a layer number").arg(layer));
                capture.layers.push_back(value);
            }
        } else
            return reader.unexpected(QStringLiteral("run: "));
    }
    if (modelPath.isEmpty() || inputsPath.isEmpty() || outPath.isEmpty())
        return usageError(QStringLiteral("run needs --model DIR, --inputs IN.safetensors and --out OUT.safetensors"));
    try {
        const std::unique_ptr<Model> model = loadModel(modelPath.toStdString());
        const ModelInputs inputs = readInputs(inputsPath.toStdString());
        ModelInputs corrupted;
        if (!corruptedPath.isEmpty()) {
            corrupted = readInputs(corruptedPath.toStdString());
            lensRequest.corrupted = &corrupted;
        }
        const ModelOutputs outputs = model->run(inputs, capture);
        std::vector<std::pair<std::string, FloatTensor>> tensors(outputs.begin(), outputs.end());
        if (!lensRequest.methods.isEmpty())
            runLensMethods(*model, inputs, lensRequest, tensors);
        writeSafetensors(outPath.toStdString(), tensors,
                         {{"producer", "tessera-cli " TESSERA_VERSION}, {"model", modelPath.toStdString()}});
    } catch (const std::exception &error) {
        return failure(QString::fromStdString(error.what()));
    }
    return 0;
}

} // namespace tessera::app
