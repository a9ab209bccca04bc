#!/usr/bin/env python3
"""Loss parity: PyTorch replays a Spindle training run from the same initial weights and the same batches.

Input: the directory bench/parity.sh (the Java main dev.spindle.trainer.export.bench.ParityRun) wrote: initial/ (the
engine's initial weights as a Hugging Face GPT-2 directory), plan.json (buckets with their files, and per step
[bucket, first row]), run.json (model, AdamW settings, schedule), spindle_loss.jsonl and spindle_validation.json.

PyTorch side: transformers' GPT2LMHeadModel loaded from initial/ (fp32 master weights), bf16 autocast (or fp32), mean
cross-entropy over all L positions of each row, global-norm clipping exactly as Spindle (scale by clip/norm when the
norm exceeds clip), torch AdamW with Spindle's decay rule (2-D tensors decay: wte -- the tied head --, wpe, every
weight matrix; biases and LayerNorm do not) and Spindle's schedule (linear warmup, cosine to min_lr_ratio).

Where ParityRun wrote probe-N/ (--probe-steps), also step N's loss and gradient from Spindle's own weights before
step N, Spindle's beside PyTorch's in bf16 and fp32.
Prints the per-step relative loss difference (max, mean, worst steps), the final validation losses side by side, a
PASS/FAIL line against the goal (1%), writes torch_loss.jsonl, torch_validation.json, parity_summary.json and a PNG.
--noise-floor replays PyTorch a second time with eager attention (another correct implementation that rounds
differently in bf16) and prints how far PyTorch parts from itself: the floor under any per-step parity.
--reference-fp32 replays PyTorch in fp32 as well and prints how far each bf16 run (Spindle's, PyTorch's) parts
from that trajectory without rounding.
--spindle-recipe (bf16) replays PyTorch once more with Spindle's bf16 rounding points instead of autocast's
(bench/spindle_recipe.py: PyTorch's kernels, the same places stored as bf16), attention by --recipe-attention
(cudnn, as Spindle's engine), and judges that replay against the same goal; --recipe-floor also replays the recipe
with flash attention (the recipe's own floor); they write torch_recipe_loss.jsonl, torch_recipe_validation.json and
torch_recipe_flash_loss.jsonl. Probes then include the recipe's loss and gradient from the same weights.
--micro-tokens N: PyTorch computes each step's gradient in micro-batches of at most N tokens (fp32 accumulation),
for steps larger than one pass fits in GPU memory.
Usage: python3 bench/parity_torch.py --run DIR [--data DECOMPOSE_DIR] [--device cuda] [--precision bf16|fp32]
       [--noise-floor] [--reference-fp32] [--spindle-recipe [--recipe-attention cudnn] [--recipe-floor]]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_data import Bucket, learning_rate_at  # noqa: E402
from spindle_recipe import SpindleRecipeGpt2  # noqa: E402


def load_plan(run_dir, data_dir):
    with open(os.path.join(run_dir, "plan.json")) as f:
        plan = json.load(f)
    if plan.get("trainers", 1) != 1:
        raise SystemExit(f"plan.json is for {plan['trainers']} trainers; parity replays the whole global batch, "
                         "which equals one trainer's when trainers = 1 (run ParityRun)")
    buckets = [Bucket(data_dir, b["length"], b["files"]) for b in plan["buckets"]]
    return plan, buckets


def build_optimizer(model, adamw, device):
    decay = [p for _, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for _, p in model.named_parameters() if p.dim() < 2]
    names = [n for n, _ in model.named_parameters()]
    assert "lm_head.weight" not in names, "lm_head must be tied to transformer.wte (one parameter)"
    groups = [{"params": decay, "weight_decay": adamw["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}]
    kwargs = {"fused": True} if device.type == "cuda" else {"foreach": False}
    return torch.optim.AdamW(groups, lr=adamw["learning_rate"], betas=(adamw["beta1"], adamw["beta2"]),
                             eps=adamw["epsilon"], **kwargs), decay + no_decay


def clip_like_spindle(parameters, clip):
    """Spindle's clipping: the global L2 norm; all gradients scaled by clip/norm when the norm exceeds clip."""
    grads = [p.grad for p in parameters if p.grad is not None]
    norm = torch.sqrt(sum((g.float() ** 2).sum() for g in grads))
    if clip > 0 and norm.item() > clip:
        for g in grads:
            g.mul_(clip / norm)
    return norm.item()


def mean_loss(model, tokens, device, autocast):
    batch = torch.from_numpy(tokens.astype(np.int64)).to(device)
    inputs, targets = batch[:, :-1], batch[:, 1:]
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
        logits = model(input_ids=inputs).logits
    return F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), targets.reshape(-1))


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def plot(path, spindle, curves, validation):
    """Training losses (Spindle's and each PyTorch replay's: {label: losses}) and the relative differences."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot(np.arange(len(spindle)), spindle, label="Spindle", linewidth=1.2)
    for (label, losses), style in zip(curves.items(), ("--", ":")):
        n = min(len(losses), len(spindle))
        top.plot(np.arange(n), losses[:n], label=label, linewidth=1.0, linestyle=style)
        bottom.plot(np.arange(n), 100 * relative_differences(spindle, losses), linewidth=0.8, label=label)
    top.set_ylabel("training loss (nats/token)")
    top.set_title("Spindle vs PyTorch: same initial weights, same batches")
    text = "final validation (Spindle | PyTorch)\n" + "\n".join(
        f"L={k}: {v['spindle']:.4f} | {v['torch']:.4f}" for k, v in validation.items())
    top.text(0.98, 0.62, text, transform=top.transAxes, ha="right", va="top", fontsize=8, family="monospace",
             bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "#ccc"})
    top.legend()
    top.grid(alpha=0.3)
    bottom.axhline(1.0, color="red", linewidth=0.8, linestyle=":")
    bottom.set_ylabel("|diff| / torch (%)")
    bottom.set_xlabel("step")
    bottom.legend(fontsize=7)
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def same_weights(run, plan, buckets, device, spindle, model_class, recipe=None):
    """Step N's loss from Spindle's own weights before step N (ParityRun --probe-steps writes probe-N/): PyTorch's
    forward in bf16 and fp32 on the same batch beside the loss Spindle's engine reported. Equal here but not in the
    training curves means the trajectories drifted apart; different here means the forward passes differ."""
    probes = sorted((int(name.split("-")[1]), os.path.join(run, name)) for name in os.listdir(run)
                    if name.startswith("probe-") and os.path.isdir(os.path.join(run, name)))
    if not probes:
        return
    print("same weights (Spindle's before step N), step N's batch: Spindle | PyTorch bf16 | PyTorch fp32 | "
          "Spindle vs PyTorch bf16" + (" | PyTorch, Spindle's recipe | Spindle vs it" if recipe else ""))
    for step, path in probes:
        bucket_index, first = plan["steps"][step]
        bucket = plan["buckets"][bucket_index]
        tokens = buckets[bucket_index].read(int(first), int(bucket["global_batch"]))
        probe = model_class.from_pretrained(path, dtype=torch.float32).to(device).eval()
        with torch.no_grad():
            bf16 = mean_loss(probe, tokens, device, True).item()
            fp32 = mean_loss(probe, tokens, device, False).item()
        del probe
        line = (f"  step {step:>4} len {bucket['length']:>5}: {spindle[step]:.4f} | {bf16:.4f} | {fp32:.4f} | "
                f"{(spindle[step] - bf16) / bf16:+.3%}")
        if recipe:
            probe = SpindleRecipeGpt2.from_pretrained(path, attn_implementation=recipe).to(device).eval()
            with torch.no_grad():
                matched = mean_loss(probe, tokens, device, True).item()
            del probe
            line += f" | {matched:.4f} | {(spindle[step] - matched) / matched:+.3%}"
        print(line, flush=True)
        gradients(path, tokens, device, model_class, int(bucket["length"]), recipe)


def gradients(path, tokens, device, model_class, length, recipe=None):
    """Step N's gradient from the same weights (probe-N/gradient/, ParityRun): Spindle's against PyTorch's in bf16
    and in fp32 (the unrounded reference) -- and against PyTorch with Spindle's recipe (attention `recipe`) when
    given --, relative L2 over all tensors, the tensors where Spindle parts most, and the position embedding's rows
    this length reaches split in halves (the first update on a new length moves rows no earlier step reached)."""
    directory = os.path.join(path, "gradient")
    if not os.path.isdir(directory):
        return
    ours = {n: p.detach().to(device) for n, p in model_class.from_pretrained(directory, dtype=torch.float32)
            .named_parameters()}
    theirs = {}
    loaders = [("bf16", True, lambda: model_class.from_pretrained(path, dtype=torch.float32)),
               ("fp32", False, lambda: model_class.from_pretrained(path, dtype=torch.float32))]
    if recipe:
        loaders.append(("recipe", True, lambda: SpindleRecipeGpt2.from_pretrained(path, attn_implementation=recipe)))
    for name, autocast, load in loaders:
        model = load().to(device)
        model.train()
        mean_loss(model, tokens, device, autocast).backward()
        theirs[name] = {n: p.grad.detach().float() for n, p in model.named_parameters()}
        del model

    def relative(a, b, names):
        difference = sum(torch.sum((a[n] - b[n]) ** 2).item() for n in names)
        reference = sum(torch.sum(b[n] ** 2).item() for n in names)
        return math.sqrt(difference / reference) if reference > 0 else float("nan")

    names = list(ours)
    exact, torch_bf16 = theirs["fp32"], theirs["bf16"]
    print(f"    gradient, relative L2 over all tensors: Spindle vs PyTorch fp32 {relative(ours, exact, names):.2e}, "
          f"PyTorch bf16 vs fp32 {relative(torch_bf16, exact, names):.2e}, Spindle vs PyTorch bf16 "
          f"{relative(ours, torch_bf16, names):.2e}")
    if recipe:
        matched = theirs["recipe"]
        print(f"    gradient, Spindle's recipe in PyTorch: vs PyTorch fp32 {relative(matched, exact, names):.2e}, "
              f"Spindle vs it {relative(ours, matched, names):.2e}; most apart: " + ", ".join(
                  f"{n.replace('transformer.', '')} {relative(ours, matched, [n]):.1e}"
                  for n in sorted(names, key=lambda n: -relative(ours, matched, [n]))[:4]))
    worst = sorted(names, key=lambda n: -relative(ours, exact, [n]))[:6]
    print("    most apart from fp32 (Spindle | PyTorch bf16): " + ", ".join(
        f"{n.replace('transformer.', '')} {relative(ours, exact, [n]):.1e} | {relative(torch_bf16, exact, [n]):.1e}"
        for n in worst))
    wpe = "transformer.wpe.weight"
    if wpe in ours:
        for first, last in ((0, length // 2), (length // 2, length)):
            rows = {k: {wpe: g[wpe][first:last]} for k, g in (("ours", ours), ("exact", exact), ("bf16", torch_bf16))}
            print(f"    wpe rows {first}..{last - 1}: Spindle {relative(rows['ours'], rows['exact'], [wpe]):.1e} | "
                  f"PyTorch bf16 {relative(rows['bf16'], rows['exact'], [wpe]):.1e} (relative to fp32)", flush=True)


def accumulate_gradients(model, tokens, device, autocast, micro_tokens):
    """The step's gradient of the mean loss over all rows, in micro-batches of at most micro_tokens tokens (at least
    one row) whose gradients add up in fp32; returns the mean loss. Each micro-batch's loss is weighted by its share
    of the rows (a power of two where rows and micro-batches are, so bf16 output gradients round as in one pass)."""
    rows, length = tokens.shape[0], tokens.shape[1] - 1
    per = max(1, micro_tokens // length) if micro_tokens else rows
    total = 0.0
    for first in range(0, rows, per):
        part = tokens[first:first + per]
        loss = mean_loss(model, part, device, autocast)
        (loss * (len(part) / rows)).backward()
        total += loss.item() * len(part)
    return total / rows


def replay(run_dir, plan, buckets, adamw, device, autocast, attention, losses_path, model_class, micro_tokens=0):
    """PyTorch trains from initial/ on the plan's batches; returns the per-step losses and the validation loss by
    length (empty when the replay stopped early). attention: transformers' attn_implementation ("sdpa": PyTorch's fused kernels, "eager": the
    textbook matmul-softmax-matmul in the autocast dtype), two correct implementations that round differently; for
    SpindleRecipeGpt2: "sdpa", "cudnn" or "flash")."""
    model = model_class.from_pretrained(os.path.join(run_dir, "initial"), dtype=torch.float32,
                                        attn_implementation=attention).to(device)
    model.train()  # config.json has dropout 0, as Spindle trains
    optimizer, parameters = build_optimizer(model, adamw, device)
    steps = plan["steps"]
    print(f"parity_torch ({attention} attention): {sum(p.numel() for p in parameters)} parameters, {len(steps)} "
          f"steps, {'bf16' if autocast else 'fp32'} on {device}, buckets {[b['length'] for b in plan['buckets']]}",
          flush=True)
    losses = []
    start = time.time()
    with open(losses_path, "w") as out:
        for step, (bucket_index, first) in enumerate(steps):
            bucket = plan["buckets"][bucket_index]
            tokens = buckets[bucket_index].read(int(first), int(bucket["global_batch"]))
            lr = learning_rate_at(step, adamw["learning_rate"], adamw["warmup_steps"], adamw["total_steps"],
                                  adamw["min_lr_ratio"])
            for group in optimizer.param_groups:
                group["lr"] = lr
            try:
                loss = accumulate_gradients(model, tokens, device, autocast, micro_tokens)
            except torch.OutOfMemoryError:
                if attention != "eager":
                    raise
                # eager attention holds (B, H, L, L) scores per layer: the longest buckets may not fit
                print(f"{attention} attention: out of GPU memory at step {step} (length {bucket['length']}); "
                      f"compared over the first {step} steps", flush=True)
                loss = None
                break
            norm = clip_like_spindle(parameters, adamw["grad_clip"])
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss)
            out.write(json.dumps({"step": step, "length": bucket["length"], "loss": losses[-1], "lr": lr,
                                  "grad_norm": norm}) + "\n")
            if (step + 1) % 25 == 0 or step + 1 == len(steps):
                print(f"step {step + 1}/{len(steps)} len {bucket['length']} loss {losses[-1]:.4f} lr {lr:.2e} "
                      f"({time.time() - start:.1f} s)", flush=True)
    model.eval()
    validation = {}
    if len(losses) < len(steps):
        return np.array(losses), validation
    with torch.no_grad():
        for index, bucket in enumerate(plan["buckets"]):
            count = int(bucket["validation_sequences"])
            if count == 0:
                continue
            total = 0.0
            chunk = int(bucket["trainer_batch"])
            first = int(bucket["training_sequences"])
            for row in range(first, first + count, chunk):
                n = min(chunk, first + count - row)
                total += mean_loss(model, buckets[index].read(row, n), device, autocast).item() * n
            validation[str(bucket["length"])] = total / count
    return np.array(losses), validation


def relative_differences(ours, theirs):
    """|ours - theirs| / |theirs| per step, over the steps both have."""
    n = min(len(ours), len(theirs))
    return np.abs(ours[:n] - theirs[:n]) / np.abs(theirs[:n])


def step_differences(name, ours, theirs, goal):
    """Prints the relative per-step differences: max, mean, steps above the goal."""
    relative = relative_differences(ours, theirs)
    n = len(relative)
    print(f"  {name}: max {relative.max():.3%} (step {int(relative.argmax())}), mean {relative.mean():.3%}, "
          f"{int((relative > goal).sum())} of {n} steps above {goal:.0%}")
    return relative


def noise_floor(args, plan, buckets, adamw, device, autocast, sdpa_losses, sdpa_validation, spindle, model_class):
    """PyTorch against itself: the same replay with eager attention instead of SDPA. Both are correct; how far
    their per-step losses part is what bf16 rounding alone does to this trajectory, the floor under any parity."""
    eager, validation = replay(args.run, plan, buckets, adamw, device, autocast, "eager",
                               os.path.join(args.run, "torch_eager_loss.jsonl"), model_class, args.micro_tokens)
    print("\nnoise floor: PyTorch (eager attention) vs PyTorch (SDPA attention), same weights and batches:")
    floor = step_differences("PyTorch eager vs SDPA", eager, sdpa_losses, args.goal)
    step_differences("Spindle vs PyTorch SDPA", spindle, sdpa_losses, args.goal)
    step_differences("Spindle vs PyTorch eager", spindle, eager, args.goal)
    for k in sorted(validation, key=int):
        print(f"  L={k:>5} validation: eager {validation[k]:.4f} | SDPA {sdpa_validation[k]:.4f} | "
              f"{abs(validation[k] - sdpa_validation[k]) / sdpa_validation[k]:.3%}")
    return {"max_relative": float(floor.max()), "mean_relative": float(floor.mean()),
            "steps_above_goal": int((floor > args.goal).sum()),
            "validation": {k: {"eager": validation[k], "sdpa": sdpa_validation[k]} for k in validation}}


def reference_fp32(args, plan, buckets, adamw, device, torch_bf16, spindle, model_class):
    """PyTorch in fp32 (no TF32) on the same weights and batches: the trajectory without bf16 rounding. How far each
    bf16 run (Spindle's, PyTorch's) parts from it says which one rounds its way further off."""
    fp32, validation = replay(args.run, plan, buckets, adamw, device, False, "sdpa",
                              os.path.join(args.run, "torch_fp32_loss.jsonl"), model_class, args.micro_tokens)
    print("\nagainst PyTorch in fp32 (same weights and batches, no bf16 anywhere):")
    ours = step_differences("Spindle bf16 vs PyTorch fp32", spindle, fp32, args.goal)
    theirs = step_differences("PyTorch bf16 vs PyTorch fp32", torch_bf16, fp32, args.goal)
    for k in sorted(validation, key=int):
        print(f"  L={k:>5} validation fp32: {validation[k]:.4f}")
    return {"spindle_max": float(ours.max()), "spindle_mean": float(ours.mean()),
            "torch_bf16_max": float(theirs.max()), "torch_bf16_mean": float(theirs.mean()),
            "validation": validation}


def judge(label, spindle, theirs, spindle_validation, their_validation, goal, precision):
    """Spindle against one PyTorch replay: per-step and validation differences, a PASS/FAIL line; the summary."""
    relative = relative_differences(spindle, theirs)
    n = len(relative)
    validation = {k: {"spindle": spindle_validation[k], "torch": their_validation[k],
                      "relative": abs(spindle_validation[k] - their_validation[k]) / abs(their_validation[k])}
                  for k in sorted(their_validation, key=int) if k in spindle_validation}
    signed = (spindle[:n] - theirs[:n]) / np.abs(theirs[:n])
    worst = np.argsort(-relative)[:5]
    print(f"\nstep-by-step training loss, Spindle vs {label}:")
    print(f"  steps compared {n}; relative difference max {relative.max():.3%} (step {int(relative.argmax())}), "
          f"mean {relative.mean():.3%}, signed mean {signed.mean():+.3%}, last 50 steps mean "
          f"{relative[-50:].mean():.3%}, {int((relative > goal).sum())} steps above {goal:.0%}")
    print("  worst steps: " + ", ".join(f"{int(s)}: {spindle[s]:.4f} vs {theirs[s]:.4f}" for s in worst))
    print(f"  first/last loss: Spindle {spindle[0]:.4f} -> {spindle[n - 1]:.4f}, PyTorch {theirs[0]:.4f} -> "
          f"{theirs[n - 1]:.4f}")
    print("final validation loss by length (Spindle | PyTorch | relative):")
    for k, v in validation.items():
        print(f"  L={k:>5}: {v['spindle']:.4f} | {v['torch']:.4f} | {v['relative']:.3%}")
    val_max = max((v["relative"] for v in validation.values()), default=0.0)
    ok = n == len(spindle) and relative.max() <= goal and val_max <= goal
    print(f"PARITY {'PASS' if ok else 'FAIL'} vs {label}: max step difference {relative.max():.3%}, max validation "
          f"difference {val_max:.3%} (goal {goal:.0%}, {precision}, {n} steps)")
    return {"against": label, "steps": n, "precision": precision, "max_relative": float(relative.max()),
            "mean_relative": float(relative.mean()), "signed_mean": float(signed.mean()),
            "steps_above_goal": int((relative > goal).sum()), "validation": validation, "pass": bool(ok)}


def recipe_floor(args, plan, buckets, adamw, device, cudnn_losses, spindle):
    """The recipe against itself: flash attention instead of the chosen kernel, same weights and batches."""
    other = "flash" if args.recipe_attention != "flash" else "cudnn"
    losses, _ = replay(args.run, plan, buckets, adamw, device, True, other,
                       os.path.join(args.run, f"torch_recipe_{other}_loss.jsonl"), SpindleRecipeGpt2,
                       args.micro_tokens)
    print(f"\nnoise floor of the recipe: {other} attention vs {args.recipe_attention}, same weights and batches:")
    floor = step_differences(f"recipe {other} vs {args.recipe_attention}", losses, cudnn_losses, args.goal)
    step_differences(f"Spindle vs recipe {other}", spindle, losses, args.goal)
    return {"attention": other, "max_relative": float(floor.max()), "mean_relative": float(floor.mean()),
            "steps_above_goal": int((floor > args.goal).sum())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", required=True, help="ParityRun's output directory")
    parser.add_argument("--data", help="decompose directory (default: run.json's data)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--precision", choices=["bf16", "fp32"], help="default: run.json's precision")
    parser.add_argument("--goal", type=float, default=0.01, help="relative difference goal (default 1%%)")
    parser.add_argument("--plot", help="PNG path (default RUN/parity.png)")
    parser.add_argument("--noise-floor", action="store_true",
                        help="replay PyTorch again with eager attention and compare it with the SDPA replay")
    parser.add_argument("--reference-fp32", action="store_true",
                        help="replay PyTorch in fp32 too: which bf16 trajectory stays closer to the fp32 one")
    parser.add_argument("--micro-tokens", type=int, default=0,
                        help="PyTorch computes each step's gradient in micro-batches of at most this many tokens "
                             "(fp32 accumulation; for steps larger than the GPU's memory in one pass; 0: one pass)")
    parser.add_argument("--spindle-recipe", action="store_true",
                        help="replay PyTorch with Spindle's bf16 rounding points as well (bench/spindle_recipe.py)")
    parser.add_argument("--recipe-attention", default="cudnn", choices=["sdpa", "cudnn", "flash", "efficient"],
                        help="attention kernel of the recipe replay (default cudnn, as Spindle's engine)")
    parser.add_argument("--recipe-floor", action="store_true",
                        help="with --spindle-recipe: replay the recipe again with another attention kernel (its floor)")
    args = parser.parse_args()

    from transformers import GPT2LMHeadModel

    with open(os.path.join(args.run, "run.json")) as f:
        run = json.load(f)
    data_dir = args.data or run["data"]
    precision = args.precision or ("fp32" if run.get("precision") == "fp32" or run["engine"] != "cuda" else "bf16")
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    plan, buckets = load_plan(args.run, data_dir)
    autocast = precision == "bf16"
    adamw = run["optimizer"]
    start = time.time()
    ours, torch_validation = replay(args.run, plan, buckets, adamw, device, autocast, "sdpa",
                                    os.path.join(args.run, "torch_loss.jsonl"), GPT2LMHeadModel, args.micro_tokens)
    write_json(os.path.join(args.run, "torch_validation.json"), torch_validation)

    spindle = np.array([line["loss"] for line in read_jsonl(os.path.join(args.run, "spindle_loss.jsonl"))])
    with open(os.path.join(args.run, "spindle_validation.json")) as f:
        spindle_validation = json.load(f)
    summary = judge("PyTorch (transformers GPT-2, autocast)", spindle, ours, spindle_validation, torch_validation,
                    args.goal, precision)
    summary.update({"device": str(device), "torch_seconds": time.time() - start})
    recipe = args.recipe_attention if args.spindle_recipe and autocast else None
    curves = {"PyTorch (transformers, autocast)": ours}
    # Written after each part, so a call that runs out of time still leaves what was done.
    summary_path = os.path.join(args.run, "parity_summary.json")
    write_json(summary_path, summary)
    if recipe:
        matched, matched_validation = replay(args.run, plan, buckets, adamw, device, True, recipe,
                                             os.path.join(args.run, "torch_recipe_loss.jsonl"), SpindleRecipeGpt2,
                                             args.micro_tokens)
        write_json(os.path.join(args.run, "torch_recipe_validation.json"), matched_validation)
        summary["spindle_recipe"] = judge(f"PyTorch with Spindle's bf16 recipe ({recipe} attention)", spindle, matched,
                                          spindle_validation, matched_validation, args.goal, precision)
        print("\nthe two PyTorch recipes against each other (what the rounding points alone do):")
        step_differences("autocast vs Spindle's recipe", ours, matched, args.goal)
        curves[f"PyTorch, Spindle's bf16 recipe ({recipe} attention)"] = matched
        write_json(summary_path, summary)
    plot_path = args.plot or os.path.join(args.run, "parity.png")
    plot(plot_path, spindle, curves, summary["validation"])
    print(f"plot: {plot_path}")
    same_weights(args.run, plan, buckets, device, spindle, GPT2LMHeadModel, recipe)
    if recipe and args.recipe_floor:
        summary["spindle_recipe"]["noise_floor"] = recipe_floor(args, plan, buckets, adamw, device, matched, spindle)
        write_json(summary_path, summary)
    if args.noise_floor:
        summary["noise_floor"] = noise_floor(args, plan, buckets, adamw, device, autocast, ours, torch_validation,
                                             spindle, GPT2LMHeadModel)
    if args.reference_fp32 and autocast:
        summary["reference_fp32"] = reference_fp32(args, plan, buckets, adamw, device, ours, spindle, GPT2LMHeadModel)
    write_json(summary_path, summary)
    return 0 if summary["pass"] and summary.get("spindle_recipe", {}).get("pass", True) else 1


if __name__ == "__main__":
    sys.exit(main())
