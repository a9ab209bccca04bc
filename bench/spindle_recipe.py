"""GPT-2 in PyTorch with the CUDA engine's bf16 recipe (dev.spindle.trainer.cuda.Precision.BF16), for loss parity.

torch.autocast and Spindle's BF16 mode round at different places: autocast rounds every linear layer's output (the
attention and MLP projections before they join the fp32 residual stream), the weight gradients and the gradients
of the LayerNorm outputs to bf16, and transformers' gelu_new runs op by op in bf16; Spindle keeps those in fp32.
Two correct trainers that round differently part ways in early training (bench/RESULTS.md, issue 16), so a per-step
comparison in bf16 needs the same rounding points on both sides. This model has them, with PyTorch's own kernels
(cuBLAS, its scaled-dot-product attention, its LayerNorm, GELU and cross-entropy):

- every product takes bf16 operands (the fp32 master weights rounded once per update) and accumulates in fp32;
- stored as bf16: the qkv projection (bias added to the bf16 product, rounded again), the attention output, the MLP
  pre-activation (bias added, rounded) and its GELU, the logits; and the gradients of exactly those;
- fp32: embeddings, the residual stream and its gradient, LayerNorm (its output is rounded only as a product's
  operand, and its input gradient arrives in fp32), the projections' outputs and their biases, all parameter
  gradients, the loss;
- the output gradient of a product is rounded to bf16 once and serves its input, weight and bias gradients.

Parameters keep transformers' GPT-2 names and layouts (Conv1D weights as (in, out), head tied to wte), so an exported
Spindle checkpoint loads as is and gradients compare tensor by tensor with ParityRun's exports.
"""
import types

import torch
import torch.nn as nn
import torch.nn.functional as F

BF16 = torch.bfloat16


def matmul_fp32(a, b):
    """a @ b of bf16 operands with fp32 accumulation and an fp32 result (no bf16 rounding of the output)."""
    try:
        return torch.mm(a, b, out_dtype=torch.float32)
    except (TypeError, RuntimeError):  # older PyTorch, or a device without that kernel: exact on bf16 values
        return torch.mm(a.float(), b.float())


def matmul(a, b, dtype):
    """a @ b of bf16 operands, fp32 accumulation, result as dtype (bf16: rounded once, as cuBLAS stores it). cuBLAS
    may otherwise reduce split-K partial sums of a bf16 product in bf16 (PyTorch allows it by default); Spindle's
    products accumulate in fp32 throughout, so that is switched off around the call."""
    if dtype == torch.float32:
        return matmul_fp32(a, b)
    flags = torch.backends.cuda.matmul
    try:
        allowed = flags.allow_bf16_reduced_precision_reduction
    except (AttributeError, AssertionError):  # a PyTorch without the switch (older than 1.12)
        return torch.mm(a, b)
    flags.allow_bf16_reduced_precision_reduction = False
    try:
        return torch.mm(a, b)
    finally:
        flags.allow_bf16_reduced_precision_reduction = allowed


class Bf16Linear(torch.autograd.Function):
    """y (N, OUT) = x (N, IN) w (IN, OUT) [+ b] on bf16 operands, y stored as out_dtype.

    With an fp32 output the bias is added in fp32; with a bf16 output it is added to the rounded product and the sum
    rounded again (Spindle adds the qkv bias in place on the bf16 buffer). Backward: dy rounded to bf16 once; dx in
    x's dtype (fp32 for a LayerNorm output, whose gradient Spindle keeps in fp32; bf16 for a stored bf16
    activation), dw and db in fp32.
    """

    @staticmethod
    def forward(ctx, x, w, b, out_dtype):
        xb, wb = x.to(BF16), w.to(BF16)
        y = matmul(xb, wb, out_dtype)
        if b is not None:
            y = (y.float() + b).to(out_dtype)
        ctx.save_for_backward(xb, wb)
        ctx.x_dtype, ctx.has_bias = x.dtype, b is not None
        return y

    @staticmethod
    def backward(ctx, dy):
        xb, wb = ctx.saved_tensors
        dyb = dy.to(BF16)
        dx = matmul(dyb, wb.t(), ctx.x_dtype)
        dw = matmul_fp32(xb.t(), dyb)
        db = dyb.float().sum(0) if ctx.has_bias else None
        return dx, dw, db, None


def linear(x, w, b, out_dtype):
    """Bf16Linear over the last dimension of x (any leading shape)."""
    lead = x.shape[:-1]
    y = Bf16Linear.apply(x.reshape(-1, x.shape[-1]), w, b, out_dtype)
    return y.reshape(*lead, y.shape[-1])


def attention_backends(name):
    """torch.nn.attention backends for a name: "sdpa" (PyTorch's own choice), "cudnn", "flash", "efficient"."""
    if name in (None, "sdpa"):
        return None
    from torch.nn.attention import SDPBackend

    chosen = {"cudnn": [SDPBackend.CUDNN_ATTENTION], "flash": [SDPBackend.FLASH_ATTENTION],
              "efficient": [SDPBackend.EFFICIENT_ATTENTION]}
    if name not in chosen:
        raise ValueError(f"unknown attention '{name}': sdpa, cudnn, flash or efficient")
    return chosen[name]


class SpindleRecipeGpt2(nn.Module):
    """GPT-2 (transformers' parameter names) whose forward follows Spindle's BF16 recipe; forward(input_ids) returns
    an object with .logits (bf16), as GPT2LMHeadModel does."""

    def __init__(self, state, layers, heads, epsilon, attention="sdpa"):
        super().__init__()
        for name, tensor in state.items():
            if name == "lm_head.weight":  # tied: the head is transformer.wte
                continue
            self._register(name, tensor)
        self.layers, self.heads, self.epsilon = layers, heads, epsilon
        self.backends = attention_backends(attention)

    def _register(self, dotted, tensor):
        parts = dotted.split(".")
        module = self
        for part in parts[:-1]:
            if not hasattr(module, part):
                module.add_module(part, nn.Module())
            module = getattr(module, part)
        module.register_parameter(parts[-1], nn.Parameter(tensor.detach().float().clone()))

    @classmethod
    def from_pretrained(cls, path, dtype=torch.float32, attn_implementation="sdpa"):
        """Loads an exported checkpoint (model.safetensors + config.json) through transformers."""
        from transformers import GPT2LMHeadModel

        if dtype != torch.float32:
            raise ValueError("the recipe keeps fp32 master weights; load with dtype=torch.float32")
        hf = GPT2LMHeadModel.from_pretrained(path, dtype=torch.float32)
        config = hf.config
        if config.activation_function not in ("gelu_new", "gelu_pytorch_tanh"):
            raise ValueError(f"activation {config.activation_function}: the recipe implements tanh GELU only")
        return cls(dict(hf.named_parameters()), config.n_layer, config.n_head, config.layer_norm_epsilon, attn_implementation)

    def _attention(self, qkv):
        b, t, three_c = qkv.shape
        c = three_c // 3
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in qkv.split(c, dim=2))
        if self.backends is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            from torch.nn.attention import sdpa_kernel

            with sdpa_kernel(self.backends):
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return y.transpose(1, 2).reshape(b, t, c)

    def forward(self, input_ids):
        with torch.autocast(input_ids.device.type, enabled=False):
            return types.SimpleNamespace(logits=self._logits(input_ids))

    def _logits(self, input_ids):
        m = self.transformer
        t = input_ids.shape[1]
        x = m.wte.weight[input_ids] + m.wpe.weight[:t]
        for i in range(self.layers):
            block = getattr(m.h, str(i))
            a = block.attn
            ln1 = F.layer_norm(x, (x.shape[-1],), block.ln_1.weight, block.ln_1.bias, self.epsilon)
            qkv = linear(ln1, a.c_attn.weight, a.c_attn.bias, BF16)
            x = x + linear(self._attention(qkv), a.c_proj.weight, a.c_proj.bias, torch.float32)
            mlp = block.mlp
            ln2 = F.layer_norm(x, (x.shape[-1],), block.ln_2.weight, block.ln_2.bias, self.epsilon)
            fc = (linear(ln2, mlp.c_fc.weight, None, BF16).float() + mlp.c_fc.bias).to(BF16)
            hidden = F.gelu(fc.float(), approximate="tanh").to(BF16)
            x = x + linear(hidden, mlp.c_proj.weight, mlp.c_proj.bias, torch.float32)
        lnf = F.layer_norm(x, (x.shape[-1],), m.ln_f.weight, m.ln_f.bias, self.epsilon)
        return linear(lnf, m.wte.weight.t(), None, BF16)


def fp32_logits(model, input_ids):
    """The same network in plain fp32 autograd (no rounding anywhere): what the recipe must approximate."""
    m = model.transformer
    t = input_ids.shape[1]
    x = m.wte.weight[input_ids] + m.wpe.weight[:t]
    c = x.shape[-1]
    for i in range(model.layers):
        block = getattr(m.h, str(i))
        a, mlp = block.attn, block.mlp
        qkv = F.layer_norm(x, (c,), block.ln_1.weight, block.ln_1.bias, model.epsilon) @ a.c_attn.weight + a.c_attn.bias
        b = qkv.shape[0]
        q, k, v = (z.view(b, t, model.heads, c // model.heads).transpose(1, 2) for z in qkv.split(c, dim=2))
        scores = (q @ k.transpose(-1, -2)) / (c // model.heads) ** 0.5
        scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1), float("-inf"))
        y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c)
        x = x + y @ a.c_proj.weight + a.c_proj.bias
        hidden = F.gelu(F.layer_norm(x, (c,), block.ln_2.weight, block.ln_2.bias, model.epsilon) @ mlp.c_fc.weight
                        + mlp.c_fc.bias, approximate="tanh")
        x = x + hidden @ mlp.c_proj.weight + mlp.c_proj.bias
    return F.layer_norm(x, (c,), m.ln_f.weight, m.ln_f.bias, model.epsilon) @ m.wte.weight.t()


def self_check(device):
    """A tiny random GPT-2 (2 layers, C 64, 2 heads of 32, vocabulary 101, 16 tokens): the recipe's loss and every
    parameter gradient against fp32 autograd (bf16 tolerance), gradient dtypes fp32, names as transformers'. A
    wiring error (a transpose, a missing bias, a gradient to the wrong input) is far outside these bounds."""
    generator = torch.Generator().manual_seed(7)
    layers, c, vocabulary, positions = 2, 64, 101, 32
    shapes = {"transformer.wte.weight": (vocabulary, c), "transformer.wpe.weight": (positions, c),
              "transformer.ln_f.weight": (c,), "transformer.ln_f.bias": (c,)}
    for i in range(layers):
        h = f"transformer.h.{i}."
        shapes.update({h + "ln_1.weight": (c,), h + "ln_1.bias": (c,), h + "attn.c_attn.weight": (c, 3 * c),
                       h + "attn.c_attn.bias": (3 * c,), h + "attn.c_proj.weight": (c, c), h + "attn.c_proj.bias": (c,),
                       h + "ln_2.weight": (c,), h + "ln_2.bias": (c,), h + "mlp.c_fc.weight": (c, 4 * c),
                       h + "mlp.c_fc.bias": (4 * c,), h + "mlp.c_proj.weight": (4 * c, c), h + "mlp.c_proj.bias": (c,)})
    state = {name: (1.0 if name.endswith("ln_1.weight") or name.endswith("ln_2.weight")
                    or name.endswith("ln_f.weight") else 0.0) + 0.1 * torch.randn(shape, generator=generator)
             for name, shape in shapes.items()}
    model = SpindleRecipeGpt2(state, layers, 2, 1e-5).to(device)
    assert sorted(n for n, _ in model.named_parameters()) == sorted(shapes), "parameter names differ from GPT-2's"
    tokens = torch.randint(0, vocabulary, (3, 17), generator=generator).to(device)
    results = {}
    for name, logits in (("recipe", lambda: model(tokens[:, :-1]).logits), ("fp32", lambda: fp32_logits(model,
                                                                                                     tokens[:, :-1]))):
        model.zero_grad(set_to_none=True)
        out = logits()
        loss = F.cross_entropy(out.float().reshape(-1, vocabulary), tokens[:, 1:].reshape(-1))
        loss.backward()
        results[name] = (out.dtype, loss.item(), {n: p.grad.clone() for n, p in model.named_parameters()})
    (dtype, loss, grads), (_, loss32, grads32) = results["recipe"], results["fp32"]
    assert dtype == BF16, f"logits are {dtype}, the recipe stores them as bf16"
    assert abs(loss - loss32) <= 1e-2 * abs(loss32), f"loss {loss} vs fp32 {loss32}"
    worst = 0.0
    for n, g in grads.items():
        assert g.dtype == torch.float32, f"{n}: gradient {g.dtype}, expected fp32"
        relative = ((g - grads32[n]).norm() / grads32[n].norm()).item()
        assert relative <= 5e-2, f"{n}: gradient {relative:.2e} relative to fp32"
        worst = max(worst, relative)
    print(f"spindle_recipe self-check on {device}: loss {loss:.5f} vs fp32 {loss32:.5f}, gradients within "
          f"{worst:.1e} of fp32 (relative L2, worst tensor), {len(grads)} tensors named as GPT-2's: OK")


if __name__ == "__main__":
    self_check(torch.device("cuda" if torch.cuda.is_available() else "cpu"))
