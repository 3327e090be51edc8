#!/usr/bin/env python3
"""The UNet2DModel forward of bench_diffusion, written in Python PyTorch (Debian's python3-torch;
diffusers is not packaged), on the same weights, for a side-by-side time.

The module follows diffusers' UNet2DModel for the block types bench_diffusion writes
(DownBlock2D, AttnDownBlock2D, UpBlock2D, AttnUpBlock2D, UNetMidBlock2D, conv down/upsampling,
positional timestep embedding). Usage: bench_unet.py DIR [threads] [runs]
"""
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        assert info["dtype"] == "F32", name
        out[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype=np.float32).reshape(info["shape"]).copy())
    return out


class UNet:
    def __init__(self, folder):
        self.c = json.load(open(folder + "/config.json"))
        self.w = read_safetensors(folder + "/diffusion_pytorch_model.safetensors")
        self.groups = self.c["norm_num_groups"]
        self.eps = self.c["norm_eps"]

    def conv(self, x, p, stride=1, padding=1):
        return F.conv2d(x, self.w[p + ".weight"], self.w[p + ".bias"], stride, padding)

    def linear(self, x, p):
        return F.linear(x, self.w[p + ".weight"], self.w[p + ".bias"])

    def norm(self, x, p):
        return F.group_norm(x, self.groups, self.w[p + ".weight"], self.w[p + ".bias"], self.eps)

    def resnet(self, x, temb, p):
        h = self.conv(F.silu(self.norm(x, p + ".norm1")), p + ".conv1")
        h = h + self.linear(F.silu(temb), p + ".time_emb_proj")[:, :, None, None]
        h = self.conv(F.silu(self.norm(h, p + ".norm2")), p + ".conv2")
        if p + ".conv_shortcut.weight" in self.w:
            x = self.conv(x, p + ".conv_shortcut", 1, 0)
        return x + h

    def attention(self, x, p):
        b, c, hh, ww = x.shape
        h = self.norm(x, p + ".group_norm").view(b, c, hh * ww).transpose(1, 2)
        q, k, v = (self.linear(h, p + n) for n in (".to_q", ".to_k", ".to_v"))
        out = F.scaled_dot_product_attention(q[:, None], k[:, None], v[:, None])[:, 0] if hasattr(F, "scaled_dot_product_attention") \
            else torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), -1) @ v
        out = self.linear(out, p + ".to_out.0").transpose(1, 2).reshape(b, c, hh, ww)
        return out + x

    def timestep(self, t):
        dim = self.c["block_out_channels"][0]
        half = dim // 2
        exponent = -math.log(10000) * torch.arange(0, half, dtype=torch.float32) / (half - self.c["freq_shift"])
        emb = t[:, None].float() * torch.exp(exponent)[None, :]
        emb = torch.cat([torch.sin(emb), torch.cos(emb)], -1)
        if self.c["flip_sin_to_cos"]:
            emb = torch.cat([emb[:, half:], emb[:, :half]], -1)
        return self.linear(F.silu(self.linear(emb, "time_embedding.linear_1")), "time_embedding.linear_2")

    @torch.no_grad()
    def __call__(self, x, t):
        temb = self.timestep(t)
        x = self.conv(x, "conv_in")
        skips = [x]
        blocks = len(self.c["block_out_channels"])
        for b, kind in enumerate(self.c["down_block_types"]):
            for j in range(self.c["layers_per_block"]):
                x = self.resnet(x, temb, f"down_blocks.{b}.resnets.{j}")
                if kind == "AttnDownBlock2D":
                    x = self.attention(x, f"down_blocks.{b}.attentions.{j}")
                skips.append(x)
            if b + 1 < blocks:
                x = self.conv(F.pad(x, (0, 1, 0, 1)), f"down_blocks.{b}.downsamplers.0.conv", 2, 0)
                skips.append(x)
        x = self.resnet(x, temb, "mid_block.resnets.0")
        x = self.attention(x, "mid_block.attentions.0")
        x = self.resnet(x, temb, "mid_block.resnets.1")
        for b, kind in enumerate(self.c["up_block_types"]):
            for j in range(self.c["layers_per_block"] + 1):
                x = self.resnet(torch.cat([x, skips.pop()], 1), temb, f"up_blocks.{b}.resnets.{j}")
                if kind == "AttnUpBlock2D":
                    x = self.attention(x, f"up_blocks.{b}.attentions.{j}")
            if b + 1 < blocks:
                x = self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"), f"up_blocks.{b}.upsamplers.0.conv")
        return self.conv(F.silu(self.norm(x, "conv_norm_out")), "conv_out")


def main():
    folder = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 9
    torch.set_num_threads(threads)
    unet = UNet(folder)
    x = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    t = torch.tensor([500])
    unet(x, t)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        unet(x, t)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"Python PyTorch {torch.__version__}, {torch.get_num_threads()} threads: the same UNet forward, "
          f"batch 1: median {times[len(times) // 2]:.1f} ms of {runs}")


if __name__ == "__main__":
    main()
