#!/usr/bin/python3
"""The residual patching sweep of bench_lens.cpp written with PyTorch hooks (Debian's python3-torch,
the same LibTorch) on the same safetensors weights and prompts: a GPT-2 module whose blocks get a
forward pre-hook that puts the clean residual at one position, the way hook-based libraries
(TransformerLens, nnsight) run it: one corrupted run per (layer, position), 384 runs. Also the same
sweep batched per layer from that layer on, with the unembedding at the last position only (the
algorithm Tessera runs), to separate the algorithm from the language.
Usage: /usr/bin/python3 bench/bench_lens.py DIR [threads] [runs]"""
import json, statistics, struct, sys, time

import numpy as np
import torch
import torch.nn.functional as F

folder = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
torch.set_num_threads(threads)


def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = np.float32 if entry["dtype"] == "F32" else np.int64
        out[key.removeprefix("transformer.")] = torch.from_numpy(
            np.frombuffer(data, dtype=dtype, count=(end - begin) // np.dtype(dtype).itemsize,
                          offset=begin).reshape(entry["shape"]).copy())
    return out


w = read(folder + "/model.safetensors")
prompts = read(folder + "/prompts.safetensors")
L, D, H = 12, 768, 12


class Block(torch.nn.Module):
    def __init__(self, l):
        super().__init__()
        self.p = f"h.{l}."

    def forward(self, h):
        p, b, n = self.p, h.shape[0], h.shape[1]
        x = F.layer_norm(h, (D,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], 1e-5)
        q, k, v = torch.addmm(w[p + "attn.c_attn.bias"], x.reshape(-1, D), w[p + "attn.c_attn.weight"]) \
            .view(b, n, 3 * D).split(D, -1)
        split = lambda t: t.view(b, n, H, D // H).transpose(1, 2)
        scores = split(q) @ split(k).transpose(-1, -2) / (D // H) ** 0.5
        scores = scores.masked_fill(~torch.ones(n, n, dtype=torch.bool).tril(), torch.finfo(torch.float32).min)
        z = (scores.softmax(-1) @ split(v)).transpose(1, 2).reshape(b, n, D)
        h = h + torch.addmm(w[p + "attn.c_proj.bias"], z.reshape(-1, D), w[p + "attn.c_proj.weight"]).view(b, n, D)
        x = F.layer_norm(h, (D,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], 1e-5)
        x = F.gelu(torch.addmm(w[p + "mlp.c_fc.bias"], x.reshape(-1, D), w[p + "mlp.c_fc.weight"]), approximate="tanh")
        return h + torch.addmm(w[p + "mlp.c_proj.bias"], x, w[p + "mlp.c_proj.weight"]).view(b, n, D)


blocks = [Block(l) for l in range(L)]


def run(ids, first=0, residual=None, last_only=False):
    n = ids.shape[1]
    h = residual if residual is not None else F.embedding(ids, w["wte.weight"]) + w["wpe.weight"][:n]
    for block in blocks[first:]:
        h = block(h)
    if last_only:
        h = h[:, -1:]
    return F.layer_norm(h, (D,), w["ln_f.weight"], w["ln_f.bias"], 1e-5) @ w["wte.weight"].T


clean = prompts["clean"].view(1, -1)
corrupted = prompts["corrupted"].view(1, -1)
a, c = prompts["tokens"].tolist()
n = clean.shape[1]
metric = lambda logits: logits[:, -1, a] - logits[:, -1, c]


def hook_loop():
    cache = {}
    handles = [b.register_forward_pre_hook(lambda m, args, l=l: cache.__setitem__(l, args[0])) for l, b in enumerate(blocks)]
    run(clean)
    for h in handles:
        h.remove()
    out = torch.empty(L, n)
    for l in range(L):
        for p in range(n):
            def patch(module, args, p=p, l=l):
                x = args[0].clone()
                x[:, p] = cache[l][:, p]
                return (x,)
            handle = blocks[l].register_forward_pre_hook(patch)
            out[l, p] = metric(run(corrupted))[0]
            handle.remove()
    return out


def batched():
    clean_cache, corrupted_cache = {}, {}
    for cache, ids in ((clean_cache, clean), (corrupted_cache, corrupted)):
        handles = [b.register_forward_pre_hook(lambda m, args, l=l, cache=cache: cache.__setitem__(l, args[0]))
                   for l, b in enumerate(blocks)]
        run(ids)
        for h in handles:
            h.remove()
    out = torch.empty(L, n)
    index = torch.arange(n)
    for l in range(L):
        x = corrupted_cache[l].expand(n, n, D).clone()
        x[index, index] = clean_cache[l][0]
        out[l] = metric(run(corrupted.expand(n, n), first=l, residual=x, last_only=True))
    return out


def median_s(f):
    f()
    t = []
    for _ in range(runs):
        start = time.perf_counter()
        result = f()
        t.append(time.perf_counter() - start)
    return statistics.median(t), result


with torch.no_grad():
    loop_s, loop = median_s(hook_loop)
    batch_s, batch = median_s(batched)
print(f"python3-torch {torch.__version__}, {threads} threads: residual patching sweep 12 x 32 with forward "
      f"pre-hooks, one run per patch: median {loop_s:.2f} s (patched[0][3] {loop[0, 3]:.4f}); batched per layer "
      f"from that layer on, last-position unembedding: median {batch_s:.2f} s (max |difference| to the loop "
      f"{(batch - loop).abs().max():.2e})")
