#!/usr/bin/env python3
"""Reference RoPE tables from transformers, for tests/core/tst_rotary.cpp.

Run where transformers is installed (the project's GPU machine has 5.17):
    python3 scripts/reference/rope_reference.py OUT.json

For each case a transformers-4-style config (rope_theta + rope_scaling, as most hub
checkpoints carry) is given to LlamaConfig; transformers' own LlamaRotaryEmbedding then makes
inv_freq, the attention scaling and cos/sin at the listed positions. Nothing here comes from
Tessera.
"""
import json
import sys

import torch
import transformers
from transformers import LlamaConfig
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

CASES = [
    ("default", dict(rope_theta=10000.0, rope_scaling=None), 128),
    ("default_base_500k", dict(rope_theta=500000.0, rope_scaling=None), 128),
    ("linear", dict(rope_theta=10000.0, rope_scaling={"rope_type": "linear", "factor": 4.0}), 128),
    ("dynamic", dict(rope_theta=10000.0, rope_scaling={"rope_type": "dynamic", "factor": 2.0}), 128),
    # Llama 3.2's published scaling (factor 32, 8192 original context).
    ("llama3", dict(rope_theta=500000.0, rope_scaling={"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
                                                         "high_freq_factor": 4.0,
                                                         "original_max_position_embeddings": 8192}), 131072),
    # Qwen2.5's YaRN recipe (factor 4 over 32768).
    ("yarn", dict(rope_theta=1000000.0, rope_scaling={"rope_type": "yarn", "factor": 4.0,
                                                       "original_max_position_embeddings": 32768}), 131072),
    ("yarn_no_original", dict(rope_theta=10000.0, rope_scaling={"type": "yarn", "factor": 8.0, "beta_fast": 16,
                                                                 "beta_slow": 2}), 4096),
]
HEAD_DIM = 64
POSITIONS = [0, 1, 2, 7, 100, 1000, 4095]


def main():
    out = {"transformers": transformers.__version__, "torch": torch.__version__, "head_dim": HEAD_DIM,
           "positions": POSITIONS, "cases": []}
    for name, rope, max_positions in CASES:
        config = LlamaConfig(hidden_size=HEAD_DIM * 4, num_attention_heads=4, num_key_value_heads=4,
                             head_dim=HEAD_DIM, intermediate_size=64, num_hidden_layers=1, vocab_size=16,
                             max_position_embeddings=max_positions, **rope)
        rotary = LlamaRotaryEmbedding(config)
        case = {"name": name, "config_v4": dict(rope, max_position_embeddings=max_positions),
                "rope_parameters_v5": getattr(config, "rope_parameters", None),
                "inv_freq": rotary.inv_freq.double().tolist(),
                "attention_scaling": float(rotary.attention_scaling)}
        x = torch.zeros(1, 1, HEAD_DIM)
        tables = {}
        for label, positions in (("short", POSITIONS), ("long", [p + 2 * max_positions for p in (0, 1, 7)])):
            ids = torch.tensor([positions])
            cos, sin = rotary(x, ids)
            tables[label] = {"positions": positions, "cos": cos[0].double().tolist(), "sin": sin[0].double().tolist()}
        case["tables"] = tables
        out["cases"].append(case)
        print(name, "ok", case["attention_scaling"], file=sys.stderr)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
