#!/usr/bin/python3
"""The Qwen2.5-0.5B-shaped decoder of bench_decoder.cpp in Python PyTorch (Debian's python3-torch),
written here from the Qwen2 architecture (RMSNorm, rotate-half RoPE, grouped-query attention with
q/k/v biases, SwiGLU, tied head), on the same safetensors weights: the forward with attentions and
hidden states kept, and greedy generation with a key/value cache.
Usage: /usr/bin/python3 bench/bench_decoder.py DIR [threads] [runs] [longest]"""
import json, resource, statistics, struct, sys, time

import numpy as np
import torch
import torch.nn.functional as F

folder = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
longest = int(sys.argv[4]) if len(sys.argv) > 4 else 512
torch.set_num_threads(threads)
config = json.load(open(folder + "/config.json"))
L, D, H, KV = (config[k] for k in ("num_hidden_layers", "hidden_size", "num_attention_heads", "num_key_value_heads"))
HD, EPS, THETA = D // H, config["rms_norm_eps"], config["rope_theta"]

start = time.perf_counter()
with open(folder + "/model.safetensors", "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
w = {}
for key, entry in header.items():
    if key == "__metadata__":
        continue
    begin, end = entry["data_offsets"]
    w[key.removeprefix("model.")] = torch.from_numpy(
        np.frombuffer(data, dtype=np.float32, count=(end - begin) // 4, offset=begin).reshape(entry["shape"]).copy())
del data
load_ms = (time.perf_counter() - start) * 1000
inv_freq = 1.0 / (THETA ** (torch.arange(0, HD, 2, dtype=torch.int64).float() / HD))


def rms(x, weight):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * weight


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., half:], x[..., :half]), -1) * sin


def forward(ids, past=None, capture=True):
    """ids [1, n]; past: per layer (k, v) [1, KV, t, HD] or None. Returns logits, cache, hidden, attentions."""
    t = 0 if past is None else past[0][0].shape[2]
    seq = ids.shape[1]
    positions = torch.arange(t, t + seq).float()
    freqs = positions[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), -1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]
    mask = torch.full((seq, t + seq), torch.finfo(torch.float32).min).triu(t + 1)
    h = F.embedding(ids, w["embed_tokens.weight"])
    hidden, attentions, cache = [h], [], []
    for l in range(L):
        p = f"layers.{l}."
        x = rms(h, w[p + "input_layernorm.weight"])
        lin = lambda name, bias=True: F.linear(x, w[p + name + ".weight"], w[p + name + ".bias"] if bias else None)
        q = lin("self_attn.q_proj").view(1, seq, H, HD).transpose(1, 2)
        k = lin("self_attn.k_proj").view(1, seq, KV, HD).transpose(1, 2)
        v = lin("self_attn.v_proj").view(1, seq, KV, HD).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if past is not None:
            k, v = torch.cat((past[l][0], k), 2), torch.cat((past[l][1], v), 2)
        cache.append((k, v))
        kr, vr = k.repeat_interleave(H // KV, 1), v.repeat_interleave(H // KV, 1)
        probs = torch.softmax(q @ kr.transpose(-1, -2) / HD ** 0.5 + mask, -1)
        ctx = (probs @ vr).transpose(1, 2).reshape(1, seq, H * HD)
        h = h + F.linear(ctx, w[p + "self_attn.o_proj.weight"])
        y = rms(h, w[p + "post_attention_layernorm.weight"])
        h = h + F.linear(F.silu(F.linear(y, w[p + "mlp.gate_proj.weight"])) * F.linear(y, w[p + "mlp.up_proj.weight"]),
                         w[p + "mlp.down_proj.weight"])
        if capture:
            attentions.append(probs)
            hidden.append(h)
    h = rms(h, w["norm.weight"])
    logits = F.linear(h if capture else h[:, -1:], w["embed_tokens.weight"])
    return logits, cache, hidden, attentions


def median_ms(f):
    f()
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        f()
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times)


def generate(prompt, count):
    logits, cache, _, _ = forward(prompt, None, capture=False)
    out = []
    for _ in range(count):
        nxt = int(logits[0, -1].argmax())
        out.append(nxt)
        logits, cache, _, _ = forward(torch.tensor([[nxt]]), cache, capture=False)
    return out


rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"python torch {torch.__version__}, {threads} threads: load {load_ms:.0f} ms, peak RSS {rss:.0f} MiB")
with torch.no_grad():
    seq = 512
    while seq <= longest:
        ids = torch.tensor([[1000 + (i * 37) % 100000 for i in range(seq)]])
        full = median_ms(lambda: forward(ids))
        bare = median_ms(lambda: forward(ids, capture=False))
        print(f"python seq {seq:4d}  forward+full capture {full:9.1f} ms  no capture {bare:9.1f} ms")
        seq *= 4
    prompt = torch.tensor([[1000 + i * 37 for i in range(16)]])
    ms = median_ms(lambda: generate(prompt, 64))
    print(f"python generation: 64 tokens after 16 in {ms:.0f} ms = {64000 / ms:.1f} tokens/s (key/value cache, greedy)")
