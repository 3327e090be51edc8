#!/usr/bin/python3
"""The BERT-base forward of bench_bert.cpp in Python PyTorch (Debian's python3-torch, the same
LibTorch), on the same safetensors weights, with attentions and hidden states kept.
Usage: /usr/bin/python3 bench/bench_bert.py DIR [threads] [runs]"""
import json, math, statistics, struct, sys, time

import numpy as np
import torch
import torch.nn.functional as F

folder = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
torch.set_num_threads(threads)

with open(folder + "/model.safetensors", "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
w = {}
for key, entry in header.items():
    if key == "__metadata__":
        continue
    begin, end = entry["data_offsets"]
    w[key.removeprefix("bert.")] = torch.from_numpy(np.frombuffer(data, dtype=np.float32, count=(end - begin) // 4,
                                                                  offset=begin).reshape(entry["shape"]).copy())

def forward(ids, mask):
    seq = ids.shape[1]
    h = F.embedding(ids, w["embeddings.word_embeddings.weight"]) + \
        F.embedding(torch.arange(seq).unsqueeze(0), w["embeddings.position_embeddings.weight"]) + \
        F.embedding(torch.zeros_like(ids), w["embeddings.token_type_embeddings.weight"])
    h = F.layer_norm(h, (768,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], 1e-12)
    additive = (1.0 - mask.float()).view(1, 1, 1, seq) * torch.finfo(torch.float32).min
    hidden, attentions = [h], []
    for l in range(12):
        p = f"encoder.layer.{l}."
        lin = lambda x, name: F.linear(x, w[p + name + ".weight"], w[p + name + ".bias"])
        split = lambda t: t.view(1, seq, 12, 64).transpose(1, 2)
        q, k, v = (split(lin(h, "attention.self." + n)) for n in ("query", "key", "value"))
        probs = torch.softmax(q @ k.transpose(-1, -2) / 8.0 + additive, -1)
        ctx = (probs @ v).transpose(1, 2).reshape(1, seq, 768)
        a = F.layer_norm(lin(ctx, "attention.output.dense") + h, (768,), w[p + "attention.output.LayerNorm.weight"],
                         w[p + "attention.output.LayerNorm.bias"], 1e-12)
        h = F.layer_norm(lin(F.gelu(lin(a, "intermediate.dense")), "output.dense") + a, (768,),
                         w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], 1e-12)
        attentions.append(probs)
        hidden.append(h)
    return hidden, attentions

print(f"runtime: python torch {torch.__version__}, {threads} threads")
with torch.no_grad():
    for seq in (128, 512):
        ids = torch.tensor([[1000 + (i * 37) % 20000 for i in range(seq)]])
        mask = torch.ones_like(ids)
        forward(ids, mask)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            forward(ids, mask)
            times.append((time.perf_counter() - start) * 1000)
        print(f"seq {seq:4d}  python forward+full capture {statistics.median(times):8.1f} ms")
