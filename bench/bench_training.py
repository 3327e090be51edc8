#!/usr/bin/python3
"""The training steps of bench_training.cpp in Python PyTorch (Debian's python3-torch, the same
LibTorch): the identical tiny GPT-2 (gpt-text: 4 layers x 128, 4 heads, byte vocabulary of 257,
batch 32 x 128) and tiny BERT masked LM (bert-text: 4 layers x 128, 4 heads, batch 32 x 64, 15%
masking), written with torch.nn.functional, trained with torch.optim.AdamW (weight decay 0.01),
clip_grad_norm_(1.0) and a warm-up + cosine learning rate, on windows of the same text.
Usage: /usr/bin/python3 bench/bench_training.py TEXT_FILE [threads] [steps]"""
import math, random, statistics, sys, time

import torch
import torch.nn.functional as F

text_file = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 200
torch.set_num_threads(threads)
torch.manual_seed(1)
data = open(text_file, "rb").read()


def param(*shape, kind="normal"):
    if kind == "ones":
        t = torch.ones(*shape)
    elif kind == "zeros":
        t = torch.zeros(*shape)
    else:
        t = torch.randn(*shape) * 0.02
    return t.requires_grad_()


def attention(q, k, v, heads, causal):
    b, n, d = q.shape
    split = lambda t: t.view(b, n, heads, d // heads).transpose(1, 2)
    s = split(q) @ split(k).transpose(-1, -2) / math.sqrt(d // heads)
    if causal:
        s = s.masked_fill(~torch.ones(n, n, dtype=torch.bool).tril(), torch.finfo(torch.float32).min)
    return (s.softmax(-1) @ split(v)).transpose(1, 2).reshape(b, n, d)


def gpt(vocab=257, d=128, layers=4, heads=4, positions=128):
    w = {"wte": param(vocab, d), "wpe": param(positions, d), "lnf.w": param(d, kind="ones"), "lnf.b": param(d, kind="zeros")}
    for l in range(layers):
        for name, shape, kind in [("ln1.w", (d,), "ones"), ("ln1.b", (d,), "zeros"), ("attn.w", (d, 3 * d), "normal"),
                                  ("attn.b", (3 * d,), "zeros"), ("proj.w", (d, d), "normal"), ("proj.b", (d,), "zeros"),
                                  ("ln2.w", (d,), "ones"), ("ln2.b", (d,), "zeros"), ("fc.w", (d, 4 * d), "normal"),
                                  ("fc.b", (4 * d,), "zeros"), ("out.w", (4 * d, d), "normal"), ("out.b", (d,), "zeros")]:
            w[f"{l}.{name}"] = param(*shape, kind=kind)

    def forward(ids):
        n = ids.shape[1]
        h = F.embedding(ids, w["wte"]) + F.embedding(torch.arange(n).unsqueeze(0), w["wpe"])
        for l in range(layers):
            p = lambda name: w[f"{l}.{name}"]
            x = F.layer_norm(h, (d,), p("ln1.w"), p("ln1.b"), 1e-5)
            q, k, v = torch.addmm(p("attn.b"), x.reshape(-1, d), p("attn.w")).view(*x.shape[:2], 3 * d).split(d, -1)
            h = h + torch.addmm(p("proj.b"), attention(q, k, v, heads, True).reshape(-1, d), p("proj.w")).view_as(h)
            x = F.layer_norm(h, (d,), p("ln2.w"), p("ln2.b"), 1e-5)
            inner = F.gelu(torch.addmm(p("fc.b"), x.reshape(-1, d), p("fc.w")), approximate="tanh")
            h = h + torch.addmm(p("out.b"), inner, p("out.w")).view_as(h)
        return F.linear(F.layer_norm(h, (d,), w["lnf.w"], w["lnf.b"], 1e-5), w["wte"])

    def batch(rng, size=32, n=128):
        starts = [rng.randrange(len(data) - n - 1) for _ in range(size)]
        ids = torch.tensor([list(data[s:s + n]) for s in starts])
        targets = torch.tensor([list(data[s + 1:s + n + 1]) for s in starts])
        return ids, targets

    return w, forward, batch


def bert(vocab, d=128, layers=4, heads=4, positions=64):
    w = {"word": param(vocab, d), "pos": param(positions, d), "type": param(2, d), "eln.w": param(d, kind="ones"),
         "eln.b": param(d, kind="zeros"), "t.w": param(d, d), "t.b": param(d, kind="zeros"), "tln.w": param(d, kind="ones"),
         "tln.b": param(d, kind="zeros"), "bias": param(vocab, kind="zeros")}
    for l in range(layers):
        for name, shape, kind in [("q.w", (d, d), "normal"), ("q.b", (d,), "zeros"), ("k.w", (d, d), "normal"),
                                  ("k.b", (d,), "zeros"), ("v.w", (d, d), "normal"), ("v.b", (d,), "zeros"),
                                  ("o.w", (d, d), "normal"), ("o.b", (d,), "zeros"), ("ln1.w", (d,), "ones"),
                                  ("ln1.b", (d,), "zeros"), ("i.w", (4 * d, d), "normal"), ("i.b", (4 * d,), "zeros"),
                                  ("out.w", (d, 4 * d), "normal"), ("out.b", (d,), "zeros"), ("ln2.w", (d,), "ones"),
                                  ("ln2.b", (d,), "zeros")]:
            w[f"{l}.{name}"] = param(*shape, kind=kind)

    def forward(ids):
        n = ids.shape[1]
        h = F.embedding(ids, w["word"]) + F.embedding(torch.arange(n).unsqueeze(0), w["pos"]) + \
            F.embedding(torch.zeros_like(ids), w["type"])
        h = F.layer_norm(h, (d,), w["eln.w"], w["eln.b"], 1e-12)
        for l in range(layers):
            p = lambda name: w[f"{l}.{name}"]
            lin = lambda x, name: F.linear(x, p(name + ".w"), p(name + ".b"))
            a = attention(lin(h, "q"), lin(h, "k"), lin(h, "v"), heads, False)
            h = F.layer_norm(lin(a, "o") + h, (d,), p("ln1.w"), p("ln1.b"), 1e-12)
            h = F.layer_norm(lin(F.gelu(lin(h, "i")), "out") + h, (d,), p("ln2.w"), p("ln2.b"), 1e-12)
        t = F.layer_norm(F.gelu(F.linear(h, w["t.w"], w["t.b"])), (d,), w["tln.w"], w["tln.b"], 1e-12)
        return F.linear(t, w["word"], w["bias"])

    def batch(rng, size=32, n=64):
        ids = torch.randint(5, vocab, (size, n))
        ids[:, 0], ids[:, -1] = 2, 3
        chosen = torch.rand(size, n) < 0.15
        chosen[:, 0] = chosen[:, -1] = False
        targets = torch.where(chosen, ids, torch.full_like(ids, -100))
        ids = torch.where(chosen & (torch.rand(size, n) < 0.8), torch.full_like(ids, 4), ids)
        return ids, targets

    return w, forward, batch


def run(name, model, peak=2e-3):
    w, forward, batch = model
    params = list(w.values())
    optimizer = torch.optim.AdamW(params, lr=peak, weight_decay=0.01)
    warmup = max(1, steps // 20)
    rng = random.Random(1)
    times = []
    for step in range(1, steps + 1):
        ids, targets = batch(rng)
        start = time.perf_counter()
        logits = forward(ids)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        rate = peak * step / warmup if step <= warmup else peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (steps - warmup)))
        for group in optimizer.param_groups:
            group["lr"] = rate
        optimizer.step()
        loss.item()
        times.append(time.perf_counter() - start)
    after = sorted(t * 1000 for t in times[10:])
    print(f"{name:10s} python   median {statistics.median(after):7.2f} ms/step  min {after[0]:7.2f}  ({len(after)} steps)")


print(f"runtime: python torch {torch.__version__}, {threads} threads")
run("gpt-text", gpt())
# The studio's character vocabulary of this text: 5 specials + 2 per distinct character seen twice.
text = data.decode("utf-8")
counts = {}
for c in text:
    if not c.isspace():
        counts[c] = counts.get(c, 0) + 1
run("bert-text", bert(5 + 2 * min(4000, sum(1 for n in counts.values() if n >= 2))), peak=1e-3)
