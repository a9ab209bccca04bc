#!/usr/bin/env python3
"""PyTorch reference of exactly the Spindle GPT (dev.spindle.trainer.engine.ModelConfig): learned token and
position embeddings, pre-LayerNorm blocks (causal attention, GELU-tanh MLP of width 4C), final LayerNorm, tied
head, mean cross-entropy; AdamW (decay on matrices only) with fp32 master weights, bf16 autocast, gradient
clipping at 1.0 -- the same work per step as the CUDA engine's bench (GpuTrainingBench).

Prints one line per (mode, length): RESULT engine=torch-<mode> length=L batch=B tokens_per_s=.. step_ms=.. mfu=..
With --java FILE (the CUDA bench's output) it finishes with a side-by-side table and ratios.
Usage: python3 bench/torch_reference.py [--tokens 16384] [--steps 10] [--lengths 1024,8192] [--modes eager,compile]
"""
import argparse
import math
import re
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PEAK_FLOPS = 989.4e12


class Block(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(c, eps=1e-5)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.ln2 = nn.LayerNorm(c, eps=1e-5)
        self.fc = nn.Linear(c, 4 * c)
        self.fc_proj = nn.Linear(4 * c, c)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).contiguous().view(b, t, c))
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, layers=12, c=768, heads=12, vocab=50257, max_length=8192):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(max_length, c)
        self.blocks = nn.ModuleList(Block(c, heads) for _ in range(layers))
        self.lnf = nn.LayerNorm(c, eps=1e-5)
        for name, p in self.named_parameters():
            if name.endswith("weight") and p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, inputs, targets):
        t = inputs.shape[1]
        x = self.wte(inputs) + self.wpe(torch.arange(t, device=inputs.device))
        for block in self.blocks:
            x = block(x)
        logits = F.linear(self.lnf(x), self.wte.weight)  # tied head
        return F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))


def run(mode, lengths, tokens_per_step, steps):
    torch.manual_seed(1)
    model = Gpt().cuda()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=6e-4, betas=(0.9, 0.95), eps=1e-8, fused=True)
    forward = torch.compile(model) if mode == "compile" else model
    parameters = sum(p.numel() for p in model.parameters()) - model.wpe.weight.numel()
    results = []
    for length in lengths:
        batch = tokens_per_step // length
        generator = torch.Generator(device="cuda").manual_seed(length)
        data = torch.randint(0, 50257, (batch, length + 1), device="cuda", generator=generator)
        inputs, targets = data[:, :-1], data[:, 1:]

        def step():
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = forward(inputs, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            return loss

        for _ in range(3):
            step()
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        loss.item()
        torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        tokens_per_s = steps * batch * length / seconds
        flops_per_token = 6 * parameters + 12 * 12 * 12 * 64 * length
        line = (f"RESULT engine=torch-{mode} length={length} batch={batch} tokens_per_s={tokens_per_s:.0f} "
                f"step_ms={1000 * seconds / steps:.1f} mfu={tokens_per_s * flops_per_token / PEAK_FLOPS:.3f}")
        print(line, flush=True)
        results.append(line)
    return results


def parse(lines):
    table = {}
    for line in lines:
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        if line.startswith("RESULT") and "engine" in fields:
            table[(fields["engine"], int(fields["length"]))] = float(fields["tokens_per_s"])
    return table


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=16384)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--lengths", default="1024,8192")
    parser.add_argument("--modes", default="eager,compile")
    parser.add_argument("--java", help="output of GpuTrainingBench to compare with")
    args = parser.parse_args()
    lengths = [int(x) for x in args.lengths.split(",")]
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}", flush=True)
    lines = []
    for mode in args.modes.split(","):
        lines += run(mode, lengths, args.tokens, args.steps)
        torch.cuda.empty_cache()  # run's model and optimizer are gone with its frame: the next mode starts empty
    if args.java:
        with open(args.java) as f:
            lines += [line.strip() for line in f]
        table = parse(lines)
        print("\nlength | cuda tok/s | torch eager tok/s | torch compile tok/s | cuda/eager | cuda/compile")
        for length in lengths:
            ours = table.get(("cuda", length))
            eager = table.get(("torch-eager", length))
            compiled = table.get(("torch-compile", length))
            ratio = lambda a, b: f"{a / b:.2f}" if a and b else "-"
            print(f"{length} | {ours or '-'} | {eager or '-'} | {compiled or '-'} | {ratio(ours, eager)} | "
                  f"{ratio(ours, compiled)}")


if __name__ == "__main__":
    main()
