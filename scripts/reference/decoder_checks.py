#!/usr/bin/env python3
"""Checks of Tessera's Llama-family support made with transformers (the GPU machine has 5.17):

  python3 scripts/reference/decoder_checks.py OUT.json [RUN_DIR TESSERA_OUTPUTS.safetensors]

1. Parameter counts of published configs (typed here from the model cards' config.json), as
   transformers' num_parameters() gives them on the meta device (no weights made).
2. YaRN configs where max_position_embeddings and original_max_position_embeddings disagree
   with factor (Qwen2.5's README recipe keeps max_position_embeddings at 32768).
3. With RUN_DIR: a run folder Tessera trained (llama-text) opened with
   LlamaForCausalLM.from_pretrained: missing / unexpected keys, and the largest difference of
   its logits, hidden states and attentions from Tessera's (`tessera-cli run` output).
Nothing here comes from Tessera except the run folder and its outputs under test.
"""
import json
import sys

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM, LlamaConfig
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

CONFIGS = {
    "Qwen2.5-0.5B": dict(model_type="qwen2", hidden_size=896, intermediate_size=4864, num_attention_heads=14,
                         num_hidden_layers=24, num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True,
                         max_position_embeddings=32768, rope_theta=1000000.0),
    "Qwen3-0.6B": dict(model_type="qwen3", hidden_size=1024, intermediate_size=3072, num_attention_heads=16,
                       num_hidden_layers=28, num_key_value_heads=8, head_dim=128, vocab_size=151936,
                       tie_word_embeddings=True, max_position_embeddings=40960, rope_theta=1000000.0),
    "TinyLlama-1.1B": dict(model_type="llama", hidden_size=2048, intermediate_size=5632, num_attention_heads=32,
                           num_hidden_layers=22, num_key_value_heads=4, vocab_size=32000, tie_word_embeddings=False,
                           max_position_embeddings=2048),
    "Llama-3.2-1B": dict(model_type="llama", hidden_size=2048, intermediate_size=8192, num_attention_heads=32,
                         num_hidden_layers=16, num_key_value_heads=8, head_dim=64, vocab_size=128256,
                         tie_word_embeddings=True, max_position_embeddings=131072, rope_theta=500000.0,
                         rope_scaling={"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
                                       "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}),
    "Mistral-7B-v0.1": dict(model_type="mistral", hidden_size=4096, intermediate_size=14336, num_attention_heads=32,
                            num_hidden_layers=32, num_key_value_heads=8, vocab_size=32000, tie_word_embeddings=False,
                            sliding_window=4096, max_position_embeddings=32768),
    "gemma-3-270m": dict(model_type="gemma3_text", hidden_size=640, intermediate_size=2048, num_attention_heads=4,
                         num_hidden_layers=18, num_key_value_heads=1, head_dim=256, vocab_size=262144,
                         tie_word_embeddings=True, query_pre_attn_scalar=256, sliding_window=512,
                         max_position_embeddings=32768, rope_theta=1000000.0, rope_local_base_freq=10000.0),
}

YARN = [
    ("yarn_max_equals_original", dict(max_position_embeddings=32768, rope_theta=1000000.0,
                                      rope_scaling={"rope_type": "yarn", "factor": 4.0,
                                                    "original_max_position_embeddings": 32768})),
    ("yarn_max_twice_original", dict(max_position_embeddings=65536, rope_theta=1000000.0,
                                     rope_scaling={"rope_type": "yarn", "factor": 4.0,
                                                   "original_max_position_embeddings": 32768})),
]


def main():
    out = {"transformers": transformers.__version__, "parameters": {}, "yarn": []}
    for name, keys in CONFIGS.items():
        try:
            config = AutoConfig.for_model(**keys)
            with torch.device("meta"):
                model = AutoModelForCausalLM.from_config(config)
            out["parameters"][name] = {"config": keys, "num_parameters": model.num_parameters()}
            print(name, model.num_parameters(), file=sys.stderr)
        except Exception as e:  # reported, the other checks go on
            out["parameters"][name] = {"config": keys, "error": repr(e)}
            print(name, "failed:", repr(e), file=sys.stderr)
    for name, keys in YARN:
        config = LlamaConfig(hidden_size=256, num_attention_heads=4, head_dim=64, intermediate_size=64,
                             num_hidden_layers=1, vocab_size=16, **keys)
        rotary = LlamaRotaryEmbedding(config)
        out["yarn"].append({"name": name, "config_v4": keys, "inv_freq": rotary.inv_freq.double().tolist(),
                            "attention_scaling": float(rotary.attention_scaling)})
    if len(sys.argv) > 3:
        run, outputs = sys.argv[2], sys.argv[3]
        from safetensors.torch import load_file
        model, info = AutoModelForCausalLM.from_pretrained(run, output_loading_info=True, attn_implementation="eager")
        model.eval()
        tessera = load_file(outputs)
        inputs = load_file(outputs.replace(".safetensors", ".inputs.safetensors"))
        with torch.no_grad():
            result = model(input_ids=inputs["input_ids"], output_hidden_states=True, output_attentions=True)
        check = {"class": type(model).__name__, "missing_keys": list(info["missing_keys"]),
                 "unexpected_keys": list(info["unexpected_keys"]), "max_abs_difference": {}}
        check["max_abs_difference"]["logits"] = float((result.logits - tessera["logits"]).abs().max())
        for i, h in enumerate(result.hidden_states):
            check["max_abs_difference"][f"hidden_states.{i}"] = float((h - tessera[f"hidden_states.{i}"]).abs().max())
        for i, a in enumerate(result.attentions):
            check["max_abs_difference"][f"attentions.{i}"] = float((a - tessera[f"attentions.{i}"]).abs().max())
        check["max_abs_logit"] = float(result.logits.abs().max())
        out["trained_run"] = check
        print(json.dumps(check, indent=1), file=sys.stderr)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
