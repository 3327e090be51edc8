// Reading a Hugging Face checkpoint's weights (Checkpoint.h).

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Safetensors.h"

#include "Checkpoint.h"
#include "TorchTensors.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sys/stat.h>

namespace tessera {
namespace detail {
namespace {
bool fileExists(const std::string &path)
{
    return pathExists(path); // a link loop names itself instead of "no model.safetensors"
}
} // namespace

Checkpoint readCheckpoint(const std::string &folder, JobContext *context)
{
    Checkpoint checkpoint;
    std::vector<std::string> shards;
    const std::string single = folder + "/model.safetensors";
    const std::string index = folder + "/model.safetensors.index.json";
    if (fileExists(single)) {
        shards.push_back(single);
    } else if (fileExists(index)) {
        nlohmann::json root;
        try {
            root = nlohmann::json::parse(readFile(index, 64u << 20)); // refuses FIFOs and devices
        } catch (const nlohmann::json::exception &e) {
            throw Error(std::string("not valid JSON: ") + e.what(), index);
        }
        if (!root.contains("weight_map") || !root["weight_map"].is_object())
            throw Error("no weight_map object", index, "weight_map");
        std::set<std::string> names;
        for (auto it = root["weight_map"].begin(); it != root["weight_map"].end(); ++it) {
            if (!it.value().is_string() || it.value().get<std::string>().find('/') != std::string::npos)
                throw Error("each shard must be a file name in this folder", index, it.key());
            names.insert(it.value().get<std::string>());
        }
        for (const std::string &name : names)
            shards.push_back(folder + "/" + name);
        checkpoint.files.push_back(index);
    } else {
        for (const char *unsafe : {"pytorch_model.bin", "model.pt", "model.ckpt", "pytorch_model.bin.index.json"})
            if (fileExists(folder + "/" + unsafe))
                throw Error(std::string(unsafe) +
                                " is a pickle file, which can run code when opened; Tessera never "
                                "opens it. Convert it to safetensors (in Python: model.save_pretrained(folder, "
                                "safe_serialization=True)) and open the folder again",
                            folder);
        throw Error("no model.safetensors or model.safetensors.index.json here", folder);
    }
    for (size_t s = 0; s < shards.size(); ++s) {
        if (context) {
            context->throwIfCancelled();
            context->setProgress(double(s) / double(shards.size()), "reading " + shards[s]);
        }
        SafetensorsFile file(shards[s]);
        checkpoint.files.push_back(shards[s]);
        for (const std::string &key : file.keys()) {
            if (context) // a large checkpoint is many seconds of reading: cancellable per tensor
                context->throwIfCancelled();
            const TensorInfo &info = file.info(key);
            if (checkpoint.tensors.count(key))
                throw Error("appears in two shards", shards[s], key);
            checkpoint.infos[key] = {key, info.shape, dtypeName(info.dtype)};
            if (info.dtype == DType::Bool || info.dtype == DType::I64 || info.dtype == DType::I32 ||
                info.dtype == DType::I16 || info.dtype == DType::I8 || info.dtype == DType::U8) {
                // Integer buffers (position_ids, attn.bias) are not weights.
                checkpoint.tensors[key] = torch::Tensor();
                continue;
            }
            checkpoint.tensors[key] = detail::toTorch(file.readFloat(key));
        }
    }
    return checkpoint;
}

} // namespace detail

} // namespace tessera
