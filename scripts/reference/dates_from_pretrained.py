#!/usr/bin/env python3
"""Checks that a Tessera dates run folder is what transformers reads as T5ForConditionalGeneration.

Run where transformers is installed (the project's GPU machine has 5.17):
    python3 scripts/reference/dates_from_pretrained.py RUN_FOLDER TESSERA_OUT.safetensors INPUTS.safetensors

INPUTS holds input_ids / attention_mask / decoder_input_ids (what `tessera-cli run` was given) and
TESSERA_OUT the logits and cross-attentions Tessera computed on them. Prints the loading report
(missing / unexpected keys), the largest logit and cross-attention differences, and transformers'
own tokenizer and greedy generation on a few held-out-style dates.
"""
import json
import sys

import torch
import transformers
from safetensors.torch import load_file
from transformers import AutoTokenizer, T5ForConditionalGeneration

run, tessera_out, inputs_path = sys.argv[1:4]
model, info = T5ForConditionalGeneration.from_pretrained(run, output_loading_info=True, dtype=torch.float32,
                                                         attn_implementation="eager")
model.eval()
inputs = load_file(inputs_path)
ours = load_file(tessera_out)
with torch.no_grad():
    out = model(**{k: v for k, v in inputs.items()}, output_attentions=True)
report = {
    "transformers": transformers.__version__,
    "missing_keys": sorted(info["missing_keys"]),
    "unexpected_keys": sorted(info["unexpected_keys"]),
    "max_abs_logit_difference": (out.logits - ours["logits"]).abs().max().item(),
    "max_abs_cross_attention_difference": max(
        (out.cross_attentions[l] - ours[f"cross_attentions.{l}"]).abs().max().item()
        for l in range(len(out.cross_attentions))),
}
tokenizer = AutoTokenizer.from_pretrained(run)
report["tokenizer_class"] = type(tokenizer).__name__
generated = {}
for text in ["2 December 2026", "수요일, 2026년 12월 2일", "Dec 25, 1999", "07/04/1976", "2049년 1월 31일"]:
    ids = tokenizer(text, return_tensors="pt").input_ids
    with torch.no_grad():
        g = model.generate(ids, max_new_tokens=12, do_sample=False, num_beams=1)
    generated[text] = {"ids": ids[0].tolist(), "output": tokenizer.decode(g[0], skip_special_tokens=True)}
report["generated"] = generated
print(json.dumps(report, ensure_ascii=False, indent=1))
