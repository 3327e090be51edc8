#!/usr/bin/env python3
"""Beam-search references from transformers for the encoder-decoder fixtures, for
tests/core/tst_seq2seq.cpp (tests/data/reference/seq2seq/beams.json).

Run where transformers is installed (the project's GPU machine has 5.17):
    python3 scripts/reference/seq2seq_reference.py tests/data/hf OUT.json

For t5-tiny and bart-tiny: the first fixture pair's source (input_ids row 0 of expected.safetensors), then model.generate with num_beams in (2, 3, 4), max_new_tokens 6, every beam returned
(num_return_sequences = num_beams) with its sequences_scores (transformers' length-normalised
beam score), on the CPU in float32. Nothing here comes from Tessera.
"""
import inspect
import json
import sys

import torch
import transformers
from safetensors.torch import load_file
from transformers import AutoModelForSeq2SeqLM

root, out = sys.argv[1], sys.argv[2]
result = {"transformers": transformers.__version__, "torch": torch.__version__, "cases": []}
for folder in ("t5-tiny", "bart-tiny"):
    path = f"{root}/{folder}"
    model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=torch.float32).eval()
    # The fixture's own first source (its input_ids row 0 without padding).
    tensors = load_file(f"{path}/expected.safetensors")
    ids = tensors["input_ids"][0][tensors["attention_mask"][0].bool()].unsqueeze(0)
    for beams in (2, 3, 4):
        with torch.no_grad():
            g = model.generate(ids, num_beams=beams, num_return_sequences=beams, max_new_tokens=6,
                               do_sample=False, output_scores=True, return_dict_in_generate=True)
        result["cases"].append({"model": folder, "source_ids": ids[0].tolist(), "beams": beams,
                                "sequences": g.sequences.tolist(),
                                "scores": g.sequences_scores.tolist()})
    if folder == "t5-tiny":
        src = inspect.getsource(type(model).forward)
        result["t5_head_lines"] = [l.strip() for l in src.splitlines() if "model_dim" in l or "scale_decoder" in l]
json.dump(result, open(out, "w"), indent=1)
print(json.dumps(result)[:3000])
