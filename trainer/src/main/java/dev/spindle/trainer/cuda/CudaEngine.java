package dev.spindle.trainer.cuda;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bytedeco.javacpp.Pointer;

/**
 * GPT training on one GPU (llm.c style): all parameters, gradients and AdamW moments in one flat fp32 allocation
 * each, in {@link dev.spindle.trainer.engine.ParameterLayout} order; forward is a flat list of layer calls and
 * backward mirrors it in reverse; matrix products through cuBLAS ({@link Precision}), everything else through
 * the NVRTC-compiled kernels in {@code /cuda/*.cu}. All work goes onto one stream; the host waits only to read
 * the loss, the gradient norm, or a vector it was asked for.
 *
 * <p>Shapes: B batch, T sequence length (the bucket), C width, H heads, V vocabulary, N = B * T. Buffers are
 * sized for the largest N seen (or {@link CudaEngineOptions#tokenCapacity()}), so changing T between steps at
 * constant N allocates nothing. Not thread-safe: one thread drives one engine (it may change between calls).
 */
final class CudaEngine implements TrainingEngine {
  private static final int OPTIMIZER_CHUNK_FLOATS = 16 << 20;

  private final ModelConfig model;
  private final OptimizerConfig optimizer;
  private final Precision precision;
  private final CudaDevice device;
  private final long parameterCount;
  private final ParameterOffsets offsets;
  private final CudaStream stream;
  private final CublasHandle blas;
  private final Kernels kernels;
  private final DeviceMemory parameters;
  private final DeviceMemory gradients;
  private final DeviceMemory firstMoment;
  private final DeviceMemory secondMoment;
  private final DeviceMemory parametersBf16; // (P) bf16 copy of the weights for BF16 products
  /** BF16 mode, tied head: wte's bf16 copy padded with zero rows to the logits stride, so the head's products have
   * an aligned vocabulary dimension (K = 50257 in dlnf = dlogits wte keeps cuBLAS off its fast kernels). */
  private final DeviceMemory headBf16;
  private boolean parametersBf16Stale = true;
  /** Attention on the tensor cores with bf16 qkv / output / output gradient (BF16 mode, head size 32 or 64). */
  private final boolean bf16Attention;
  private final DeviceMemory normScratch;
  private final PinnedHostMemory hostScratch;
  private ActivationBuffers activations;
  /** Per-category GPU time when {@code spindle.cuda.profile=true}: each op is followed by a sync (slows steps). */
  private final boolean profiling = Boolean.getBoolean("spindle.cuda.profile");
  private final java.util.Map<String, Long> profile = new java.util.TreeMap<>();
  private long profileMark;
  private int activationAllocations;
  private long updates;
  private boolean closed;

  CudaEngine(ModelConfig model, OptimizerConfig optimizer, long seed, CudaDevice device, CudaEngineOptions options) {
    this.model = requireNonNull(model, "model is null");
    this.optimizer = requireNonNull(optimizer, "optimizer is null");
    this.precision = options.precision();
    this.device = requireNonNull(device, "device is null");
    device.makeCurrent();
    this.parameterCount = model.parameterCount();
    this.offsets = new ParameterOffsets(model);
    this.stream = new CudaStream();
    this.blas = new CublasHandle(stream);
    this.kernels = new Kernels(device, model.dModel(), model.headSize(), precision == Precision.BF16);
    this.bf16Attention = kernels.tensorCoreAttention();
    this.parameters = DeviceMemory.floats(parameterCount, "parameters");
    this.gradients = DeviceMemory.floats(parameterCount, "gradients");
    this.firstMoment = DeviceMemory.floats(parameterCount, "AdamW first moment");
    this.secondMoment = DeviceMemory.floats(parameterCount, "AdamW second moment");
    this.parametersBf16 = new DeviceMemory(precision == Precision.BF16 ? parameterCount * 2 : 2, "bf16 weights");
    this.headBf16 = new DeviceMemory(
        paddedHead() ? (long) ActivationBuffers.paddedVocabulary(model) * model.dModel() * 2 : 2, "padded bf16 head");
    this.normScratch = new DeviceMemory(Double.BYTES, "gradient norm");
    this.hostScratch = new PinnedHostMemory((long) OPTIMIZER_CHUNK_FLOATS * Float.BYTES, "host transfers");
    stream.zero(gradients.address(), gradients.bytes());
    stream.zero(headBf16.address(), headBf16.bytes());
    stream.zero(firstMoment.address(), firstMoment.bytes());
    stream.zero(secondMoment.address(), secondMoment.bytes());
    initialiseParameters(seed);
    if (options.tokenCapacity() > 0) {
      ensureCapacity(options.tokenCapacity());
    }
  }

  private void initialiseParameters(long seed) {
    // Computed on the host (identical on every engine), written straight into pinned memory, copied in chunks.
    float[] values = InitialParameters.create(model, seed);
    writeParameters(FloatBuffer.wrap(values));
  }

  @Override
  public ModelConfig model() {
    return model;
  }

  @Override
  public long parameterCount() {
    return parameterCount;
  }

  Precision precision() {
    return precision;
  }

  /** How many times activation buffers were (re)allocated: stays 1 while tokens per step stay constant. */
  int activationAllocations() {
    return activationAllocations;
  }

  @Override
  public float computeGradients(TokenBatch batch) {
    mark("host");
    int n = prepare(batch);
    mark("tokens");
    stream.zero(gradients.address(), gradients.bytes());
    mark("zero-gradients");
    forward(batch.batchSize(), batch.length());
    kernels.crossEntropy(stream, activations.logits.address(), precision == Precision.BF16, activations.losses.address(),
        activations.tokens.address(), batch.batchSize(), batch.length(), model.vocabSize(), activations.logitsStride,
        1.0f / n, true);
    mark("crossentropy");
    backward(batch.batchSize(), batch.length());
    return meanLoss(n);
  }

  @Override
  public float evaluate(TokenBatch batch) {
    int n = prepare(batch);
    forward(batch.batchSize(), batch.length());
    kernels.crossEntropy(stream, activations.logits.address(), precision == Precision.BF16, activations.losses.address(),
        activations.tokens.address(), batch.batchSize(), batch.length(), model.vocabSize(), activations.logitsStride,
        1.0f / n, false);
    mark("crossentropy");
    return meanLoss(n);
  }

  /** Validates the batch, sizes buffers, and stages its tokens to the GPU asynchronously; returns N. */
  private int prepare(TokenBatch batch) {
    ensureOpen();
    device.makeCurrent();
    int b = batch.batchSize();
    int t = batch.length();
    if (t > model.maxLength()) {
      throw new IllegalArgumentException("Cannot train on length " + t + ": the model's maximum length is "
          + model.maxLength() + " (position embedding rows); raise maxLength or drop longer buckets");
    }
    long n = (long) b * t;
    if (n > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("Cannot train on " + n + " tokens per step: at most " + Integer.MAX_VALUE / 4);
    }
    ensureCapacity(n);
    int count = b * (t + 1);
    IntBuffer tokens = batch.tokens();
    int base = tokens.position();
    int vocabulary = model.vocabSize();
    for (int i = 0; i < count; i++) {
      int token = tokens.get(base + i);
      if (token < 0 || token >= vocabulary) {
        throw new IllegalArgumentException("Cannot train on token id " + token + " at row " + i / (t + 1) + ", position "
            + i % (t + 1) + ": outside the vocabulary 0.." + (vocabulary - 1) + " (tokenizer and model disagree?)");
      }
    }
    // The previous step's copy out of the staging buffer has finished: every step ends with a stream sync.
    Pointer.memcpy(NativePointers.at(activations.stagingTokens.address()), NativePointers.at(batch.address()),
        (long) count * Integer.BYTES);
    stream.copy(activations.tokens.address(), activations.stagingTokens.address(), (long) count * Integer.BYTES);
    return (int) n;
  }

  private void ensureCapacity(long tokens) {
    if (activations != null && activations.capacity >= tokens) {
      return;
    }
    if (activations != null) {
      stream.synchronize();
      activations.close();
      activations = null;
    }
    try {
      activations = new ActivationBuffers(model, tokens, precision == Precision.BF16, bf16Attention);
    } catch (CudaException e) {
      throw new CudaException("Cannot allocate activations for " + tokens + " tokens per step (about "
          + ActivationBuffers.deviceBytes(model, tokens) / (1 << 20) + " MiB): " + e.getMessage(), e.status());
    }
    activationAllocations++;
    kernels.fill(stream, activations.ones.address(), 1.0f, tokens);
    if (precision == Precision.BF16) {
      kernels.toBf16(stream, activations.onesBf16.address(), activations.ones.address(), tokens);
    }
  }

  private float meanLoss(int n) {
    stream.copy(activations.hostLosses.address(), activations.losses.address(), (long) n * Float.BYTES);
    stream.synchronize();
    mark("loss-readback");
    FloatBuffer losses = activations.hostLosses.buffer().asFloatBuffer();
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += losses.get(i);
    }
    return (float) (sum / n);
  }

  private long parameter(long offset) {
    return parameters.address() + offset * Float.BYTES;
  }

  private long gradient(long offset) {
    return gradients.address() + offset * Float.BYTES;
  }

  // ---- forward: a flat list of layer calls ----

  private void forward(int b, int t) {
    int n = b * t;
    int c = model.dModel();
    int heads = model.heads();
    ActivationBuffers a = activations;
    long cap = a.capacity;
    long tokens = a.tokens.address();
    if (precision == Precision.BF16 && parametersBf16Stale) {
      if (paddedHead()) { // the head's products read wte from the padded copy (rows V..VP-1 stay zero)
        long head = offsets.head;
        long headSize = (long) model.vocabSize() * model.dModel();
        kernels.toBf16(stream, headBf16.address(), parameter(head), headSize);
        convertWeights(0, head); // the rest of the weights, without converting wte twice
        convertWeights(head + headSize, parameterCount);
      } else {
        convertWeights(0, parameterCount);
      }
      mark("weights-bf16");
      parametersBf16Stale = false;
    }
    boolean bf16 = precision == Precision.BF16;
    int nb = a.normBytes;
    kernels.embeddingForward(stream, a.residual.address(), tokens, parameter(offsets.tokenEmbedding),
        parameter(offsets.positionEmbedding), b, t, c);
    mark("embedding");
    ParameterOffsets.Block first = offsets.blocks[0];
    kernels.layerNormForward(stream, a.ln1.address(), bf16, a.ln1Mean.address(), a.ln1Rstd.address(), a.residual.address(),
        parameter(first.ln1Gain()), parameter(first.ln1Bias()), n, c);
    mark("layernorm");
    for (int l = 0; l < model.layers(); l++) {
      // Layer l's ln1 was written by the previous layer's last fused call (or above, for layer 0).
      ParameterOffsets.Block p = offsets.blocks[l];
      long x = a.residual.floatAddress(l * cap * c);
      long ln1 = a.ln1.elementAddress(l * cap * c, nb);
      long qkv = a.qkv.elementAddress(l * cap * 3 * c, a.attentionBytes);
      long attention = a.attention.elementAddress(l * cap * c, a.attentionBytes);
      long lse = a.lse.floatAddress(l * cap * heads);
      long residual2 = a.residual2.floatAddress(l * cap * c);
      long ln2 = a.ln2.elementAddress(l * cap * c, nb);
      long fc = a.fc.elementAddress(l * cap * 4 * c, nb);
      long fcGelu = a.fcGelu.elementAddress(l * cap * 4 * c, nb);
      long next = a.residual.floatAddress((l + 1) * cap * c);
      long projection = a.projection.address();
      Operand normKind = bf16 ? Operand.BF16 : Operand.ACTIVATION;
      // Attention branch: residual2 = x + proj(attention(qkv(ln1))), then ln2 = LayerNorm(residual2).
      linearForward(qkv, bf16Attention, ln1, normKind, p.qkvWeight(), p.qkvBias(), n, c, 3 * c); // (N, 3C)
      if (bf16Attention) {
        kernels.tensorCoreAttentionForward(stream, attention, lse, qkv, b, t, heads); // (N, C)
      } else {
        kernels.attentionForward(stream, attention, lse, qkv, b, t, heads);
      }
      mark("attention-forward");
      product(false, false, n, c, c, attention, bf16Attention ? Operand.BF16 : Operand.ACTIVATION, c,
          parameter(p.projectionWeight()), Operand.WEIGHT, c, projection, c, false);
      mark("linear");
      kernels.residualLayerNorm(stream, residual2, ln2, bf16, a.ln2Mean.floatAddress(l * cap),
          a.ln2Rstd.floatAddress(l * cap), x, projection, parameter(p.projectionBias()), parameter(p.ln2Gain()),
          parameter(p.ln2Bias()), n, c);
      mark("residual-layernorm");
      // MLP branch: next = residual2 + proj(gelu(fc(ln2))), then the next LayerNorm (layer l + 1's ln1, or lnf).
      product(false, false, n, 4 * c, c, ln2, normKind, c, parameter(p.fcWeight()), Operand.WEIGHT, 4 * c, fc, bf16,
          4 * c, false);
      mark("linear");
      kernels.biasGelu(stream, fcGelu, bf16, fc, parameter(p.fcBias()), n, 4 * c);
      mark("bias-gelu");
      product(false, false, n, c, 4 * c, fcGelu, normKind, 4 * c, parameter(p.fcProjectionWeight()), Operand.WEIGHT, c,
          projection, c, false);
      mark("linear");
      boolean lastLayer = l == model.layers() - 1;
      long nextGain = lastLayer ? parameter(offsets.finalGain) : parameter(offsets.blocks[l + 1].ln1Gain());
      long nextBias = lastLayer ? parameter(offsets.finalBias) : parameter(offsets.blocks[l + 1].ln1Bias());
      kernels.residualLayerNorm(stream, next, lastLayer ? a.lnf.address() : a.ln1.elementAddress((l + 1) * cap * c, nb),
          bf16, lastLayer ? a.lnfMean.address() : a.ln1Mean.floatAddress((l + 1) * cap),
          lastLayer ? a.lnfRstd.address() : a.ln1Rstd.floatAddress((l + 1) * cap), residual2, projection,
          parameter(p.fcProjectionBias()), nextGain, nextBias, n, c);
      mark("residual-layernorm");
    }
    int v = model.vocabSize();
    int vp = a.logitsStride;
    if (paddedHead()) { // logits (N, VP) = lnf (N, C) wte^T, zero in the padding columns
      product(false, true, n, vp, c, a.lnf.address(), Operand.BF16, c, headBf16.address(), Operand.BF16, c,
          a.logits.address(), true, vp, false);
      mark("head");
    } else if (model.tiedHead()) { // logits (N, V) = lnf (N, C) wte^T
      product(false, true, n, v, c, a.lnf.address(), normKind(), c, parameter(offsets.head), Operand.WEIGHT, c,
          a.logits.address(), precision == Precision.BF16, vp, false);
      mark("head");
    } else { // logits = lnf head (C, V)
      product(false, false, n, v, c, a.lnf.address(), normKind(), c, parameter(offsets.head), Operand.WEIGHT, v,
          a.logits.address(), precision == Precision.BF16, vp, false);
      mark("head");
    }
  }

  /** parametersBf16[from, to) = bf16(parameters[from, to)). */
  private void convertWeights(long from, long to) {
    if (to > from) {
      kernels.toBf16(stream, parametersBf16.address() + from * 2, parameter(from), to - from);
    }
  }

  /** What ln1, ln2, lnf and fcGelu hold: bf16 in BF16 mode (they feed only products), fp32 otherwise. */
  private Operand normKind() {
    return precision == Precision.BF16 ? Operand.BF16 : Operand.ACTIVATION;
  }

  private boolean paddedHead() {
    return precision == Precision.BF16 && model.tiedHead();
  }

  /** out (N, OUT) = in (N, IN) W (IN, OUT) + b, out stored as bf16 when {@code outBf16}, in of the given kind. */
  private void linearForward(long out, boolean outBf16, long in, Operand inKind, long weight, long bias, int n,
      int inWidth, int outWidth) {
    product(false, false, n, outWidth, inWidth, in, inKind, inWidth, parameter(weight), Operand.WEIGHT, outWidth,
        out, outBf16, outWidth, false);
    mark("linear");
    if (outBf16) {
      kernels.biasForwardBf16(stream, out, parameter(bias), n, outWidth);
    } else {
      kernels.biasForward(stream, out, parameter(bias), n, outWidth);
    }
    mark("bias");
  }

  // ---- backward: the forward in reverse ----

  private void backward(int b, int t) {
    int n = b * t;
    int c = model.dModel();
    int v = model.vocabSize();
    int heads = model.heads();
    ActivationBuffers a = activations;
    long cap = a.capacity;
    // The cross-entropy kernel left dL/dlogits in the logits (bf16 in BF16 mode).
    boolean bf16 = precision == Precision.BF16;
    long dlogits = a.logits.address();
    Operand logitsKind = bf16 ? Operand.BF16 : Operand.ACTIVATION;
    int vp = a.logitsStride;
    if (paddedHead()) { // the padding columns of dlogits are zero (zero logits the loss ignores), so K = VP is exact
      product(false, false, n, c, vp, dlogits, logitsKind, vp, headBf16.address(), Operand.BF16, c,
          a.dLayerNormOut.address(), c, false);
      mark("head");
      product(true, false, v, c, n, dlogits, logitsKind, vp, a.lnf.address(), normKind(), c,
          gradient(offsets.head), c, true);
      mark("head");
    } else if (model.tiedHead()) {
      product(false, false, n, c, v, dlogits, logitsKind, vp, parameter(offsets.head), Operand.WEIGHT, c,
          a.dLayerNormOut.address(), c, false);
      mark("head");
      product(true, false, v, c, n, dlogits, logitsKind, vp, a.lnf.address(), normKind(), c,
          gradient(offsets.head), c, true);
      mark("head");
    } else {
      product(false, true, n, c, v, dlogits, logitsKind, vp, parameter(offsets.head), Operand.WEIGHT, v,
          a.dLayerNormOut.address(), c, false);
      mark("head");
      product(true, false, c, v, n, a.lnf.address(), normKind(), c, dlogits, logitsKind, vp,
          gradient(offsets.head), v, true);
      mark("head");
    }
    long dResidual = a.dResidual.address();
    stream.zero(dResidual, (long) n * c * Float.BYTES);
    // BF16 mode: each LayerNorm backward also writes dResidual as bf16 into operand B's scratch, where the next
    // (lower) linear layer's backward products read it.
    long dResidualOperand = bf16 ? a.operandB.address() : dResidual;
    Operand dResidualKind = bf16 ? Operand.BF16 : Operand.ACTIVATION;
    long dResidualCopy = bf16 ? a.operandB.address() : 0L;
    kernels.layerNormBackward(stream, dResidual, dResidualCopy, gradient(offsets.finalGain), gradient(offsets.finalBias),
        a.dLayerNormOut.address(), a.residual.floatAddress(model.layers() * cap * c), parameter(offsets.finalGain),
        a.lnfMean.address(), a.lnfRstd.address(), n, c);
    mark("layernorm");
    for (int l = model.layers() - 1; l >= 0; l--) {
      ParameterOffsets.Block p = offsets.blocks[l];
      long x = a.residual.floatAddress(l * cap * c);
      long ln1 = a.ln1.elementAddress(l * cap * c, a.normBytes);
      long qkv = a.qkv.elementAddress(l * cap * 3 * c, a.attentionBytes);
      long attention = a.attention.elementAddress(l * cap * c, a.attentionBytes);
      long lse = a.lse.floatAddress(l * cap * heads);
      long residual2 = a.residual2.floatAddress(l * cap * c);
      long ln2 = a.ln2.elementAddress(l * cap * c, a.normBytes);
      long fc = a.fc.elementAddress(l * cap * 4 * c, a.normBytes);
      long fcGelu = a.fcGelu.elementAddress(l * cap * 4 * c, a.normBytes);
      // MLP branch: next = residual2 + proj(gelu(fc(ln2(residual2))))
      linearBackward(a.dFc.address(), bf16, dResidualOperand, dResidualKind, fcGelu, normKind(), p.fcProjectionWeight(),
          p.fcProjectionBias(), n, 4 * c, c);
      if (bf16) {
        kernels.geluBackwardBf16(stream, a.dFc.address(), fc, (long) n * 4 * c);
      } else {
        kernels.geluBackward(stream, a.dFc.address(), fc, (long) n * 4 * c);
      }
      mark("gelu");
      linearBackward(a.dLayerNormOut.address(), false, a.dFc.address(), normKind(), ln2, normKind(), p.fcWeight(),
          p.fcBias(), n, c, 4 * c);
      mark("linear");
      kernels.layerNormBackward(stream, dResidual, dResidualCopy, gradient(p.ln2Gain()), gradient(p.ln2Bias()),
          a.dLayerNormOut.address(), residual2, parameter(p.ln2Gain()), a.ln2Mean.floatAddress(l * cap),
          a.ln2Rstd.floatAddress(l * cap), n, c);
      mark("layernorm");
      // Attention branch: residual2 = x + proj(attention(qkv(ln1(x))))
      linearBackward(a.dAttention.address(), bf16Attention, dResidualOperand, dResidualKind, attention,
          bf16Attention ? Operand.BF16 : Operand.ACTIVATION, p.projectionWeight(), p.projectionBias(), n, c, c);
      mark("linear");
      if (bf16Attention) {
        kernels.tensorCoreAttentionBackward(stream, a.dQkv.address(), a.attentionDelta.address(), a.dAttention.address(),
            qkv, attention, lse, b, t, heads);
      } else {
        kernels.attentionBackward(stream, a.dQkv.address(), a.attentionDelta.address(), a.dAttention.address(), qkv,
            attention, lse, b, t, heads);
      }
      mark("attention-backward");
      linearBackward(a.dLayerNormOut.address(), false, a.dQkv.address(), bf16Attention ? Operand.BF16 : Operand.ACTIVATION,
          ln1, normKind(), p.qkvWeight(), p.qkvBias(), n, c, 3 * c);
      mark("linear");
      kernels.layerNormBackward(stream, dResidual, l > 0 ? dResidualCopy : 0L, gradient(p.ln1Gain()),
          gradient(p.ln1Bias()), a.dLayerNormOut.address(), x, parameter(p.ln1Gain()), a.ln1Mean.floatAddress(l * cap),
          a.ln1Rstd.floatAddress(l * cap), n, c);
      mark("layernorm");
    }
    kernels.embeddingBackward(stream, gradient(offsets.tokenEmbedding), gradient(offsets.positionEmbedding), dResidual,
        a.tokens.address(), b, t, c);
    mark("embedding");
  }

  /**
   * dIn (N, IN) = dOut W^T (bf16 when {@code dInBf16}); dW (IN, OUT) += in^T dOut; db (OUT) += column sums of
   * dOut. dOut and in are of the given kinds; in BF16 mode an fp32 dOut is converted once for both products.
   */
  private void linearBackward(long dIn, boolean dInBf16, long dOut, Operand dOutKind, long in, Operand inKind,
      long weight, long bias, int n, int inWidth, int outWidth) {
    long dOutOperand = dOut;
    Operand kind = dOutKind;
    if (precision == Precision.BF16 && kind == Operand.ACTIVATION) { // into operand B's scratch, which in^T dOut reads
      dOutOperand = bf16Operand(dOut, Operand.ACTIVATION, (long) n * outWidth, activations.operandB);
      kind = Operand.BF16;
    }
    product(false, true, n, inWidth, outWidth, dOutOperand, kind, outWidth, parameter(weight), Operand.WEIGHT, outWidth,
        dIn, dInBf16, inWidth, false);
    product(true, false, inWidth, outWidth, n, in, inKind, inWidth, dOutOperand, kind, outWidth,
        gradient(weight), outWidth, true);
    mark("linear");
    // A product with ones is a column sum (accumulated in fp32 either way).
    if (kind == Operand.BF16) {
      blas.matmul(false, false, 1, outWidth, n, activations.onesBf16.address(), true, n, dOutOperand, true, outWidth,
          gradient(bias), false, outWidth, true, Precision.BF16);
    } else {
      blas.matmul(false, false, 1, outWidth, n, activations.ones.address(), n, dOutOperand, outWidth, gradient(bias),
          outWidth, true, Precision.FP32);
    }
    mark("bias-gradient");
  }


  /** What an operand address holds: an fp32 weight, an fp32 activation, or data already in bf16. */
  private enum Operand { WEIGHT, ACTIVATION, BF16 }

  /**
   * Row-major C (m, n) fp32 = op(A) op(B) [+ C]. In BF16 mode fp32 operands become bf16 first: weights come from
   * the copy refreshed once per update, activations are converted into scratch (A and B each have their own).
   */
  private void product(boolean transposeA, boolean transposeB, int m, int n, int k, long a, Operand aKind, int lda,
      long b, Operand bKind, int ldb, long c, int ldc, boolean accumulate) {
    product(transposeA, transposeB, m, n, k, a, aKind, lda, b, bKind, ldb, c, false, ldc, accumulate);
  }

  /** As above; C is stored as bf16 when {@code cBf16} (BF16 mode only). */
  private void product(boolean transposeA, boolean transposeB, int m, int n, int k, long a, Operand aKind, int lda,
      long b, Operand bKind, int ldb, long c, boolean cBf16, int ldc, boolean accumulate) {
    if (precision == Precision.FP32) {
      blas.matmul(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, precision);
      return;
    }
    long a16 = bf16Operand(a, aKind, (long) (transposeA ? k : m) * lda, activations.operandA);
    long b16 = bf16Operand(b, bKind, (long) (transposeB ? n : k) * ldb, activations.operandB);
    blas.matmul(transposeA, transposeB, m, n, k, a16, true, lda, b16, true, ldb, c, cBf16, ldc, accumulate, precision);
  }

  private long bf16Operand(long address, Operand kind, long elements, DeviceMemory scratch) {
    switch (kind) {
      case BF16:
        return address;
      case WEIGHT:
        return parametersBf16.address() + (address - parameters.address()) / Float.BYTES * 2;
      default:
        if (elements * 2 > scratch.bytes()) {
          throw new IllegalStateException("Cannot convert an operand of " + elements + " elements: scratch holds "
              + scratch.bytes() / 2 + " (internal sizing error)");
        }
        kernels.toBf16(stream, scratch.address(), address, elements);
        return scratch.address();
    }
  }

  /** Charges the time since the previous mark to {@code category} (profiling only). */
  private void mark(String category) {
    if (!profiling) {
      return;
    }
    stream.synchronize();
    long now = System.nanoTime();
    if (profileMark != 0) {
      profile.merge(category, now - profileMark, Long::sum);
    }
    profileMark = now;
  }

  /** Milliseconds per category since the last call (empty unless profiling), and resets. */
  java.util.Map<String, Double> takeProfile() {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    profile.forEach((k, v) -> out.put(k, v / 1e6));
    profile.clear();
    return out;
  }

  // ---- optimizer ----

  @Override
  public double applyUpdate(long step) {
    ensureOpen();
    device.makeCurrent();
    double learningRate = optimizer.learningRateAt(step);
    mark("host");
    float gradScale = (float) clippingScale();
    mark("clipping");
    parametersBf16Stale = true;
    if (optimizer.kind().equals("sgd")) {
      kernels.sgd(stream, parameters.address(), gradients.address(), parameterCount, (float) learningRate, gradScale);
      mark("optimizer");
    } else {
      updates++;
      float beta1Correction = (float) (1 - Math.pow(optimizer.beta1(), updates));
      float beta2Correction = (float) (1 - Math.pow(optimizer.beta2(), updates));
      for (ParameterOffsets.DecayRange range : offsets.decayRanges) {
        long offset = range.offset() * Float.BYTES;
        kernels.adamw(stream, parameters.address() + offset, gradients.address() + offset,
            firstMoment.address() + offset, secondMoment.address() + offset, range.size(), (float) learningRate,
            (float) optimizer.beta1(), (float) optimizer.beta2(), beta1Correction, beta2Correction,
            (float) optimizer.epsilon(), range.decays() ? (float) optimizer.weightDecay() : 0f, gradScale);
        mark("optimizer");
      }
    }
    return learningRate;
  }

  /** Global-norm clipping factor (1 when clipping is off or the norm is within the limit). */
  private double clippingScale() {
    if (!(optimizer.gradientClip() > 0)) {
      return 1.0;
    }
    stream.zero(normScratch.address(), Double.BYTES);
    kernels.sumOfSquares(stream, gradients.address(), parameterCount, normScratch.address());
    stream.copy(hostScratch.address(), normScratch.address(), Double.BYTES);
    stream.synchronize();
    double norm = Math.sqrt(hostScratch.buffer().getDouble(0));
    if (!Double.isFinite(norm)) {
      throw new IllegalStateException("Cannot update parameters: the gradient norm is " + norm
          + " (diverged; lower the learning rate or check the data)");
    }
    return norm > optimizer.gradientClip() ? optimizer.gradientClip() / norm : 1.0;
  }

  // ---- host transfers ----

  @Override
  public void readParameters(FloatBuffer into) {
    copyToHost(parameters, into);
  }

  @Override
  public void writeParameters(FloatBuffer from) {
    copyFromHost(from, parameters);
    parametersBf16Stale = true;
  }

  @Override
  public void readGradients(FloatBuffer into) {
    copyToHost(gradients, into);
  }

  @Override
  public void writeGradients(FloatBuffer from) {
    copyFromHost(from, gradients);
  }

  private void copyToHost(DeviceMemory source, FloatBuffer into) {
    ensureOpen();
    device.makeCurrent();
    checkRemaining(into.remaining(), "read into");
    try {
      toHostInChunks(source, bytes -> into.put(bytes.asFloatBuffer()));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the sink does no I/O
    }
  }

  private void copyFromHost(FloatBuffer from, DeviceMemory target) {
    ensureOpen();
    device.makeCurrent();
    checkRemaining(from.remaining(), "write from");
    try {
      fromHostInChunks(target, bytes -> {
        FloatBuffer staging = bytes.asFloatBuffer();
        FloatBuffer chunk = from.duplicate();
        chunk.limit(chunk.position() + staging.remaining());
        from.position(chunk.limit());
        staging.put(chunk);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the source does no I/O
    }
  }

  /** One chunk of a host transfer: the pinned staging buffer's bytes (native order), limited to the chunk. */
  private interface Chunk {
    void accept(ByteBuffer bytes) throws IOException;
  }

  /** Copies the {@code parameterCount} floats of {@code source} to the host chunk by chunk, handing each to sink. */
  private void toHostInChunks(DeviceMemory source, Chunk sink) throws IOException {
    for (long done = 0; done < parameterCount; done += OPTIMIZER_CHUNK_FLOATS) {
      int count = (int) Math.min(OPTIMIZER_CHUNK_FLOATS, parameterCount - done);
      stream.copy(hostScratch.address(), source.floatAddress(done), (long) count * Float.BYTES);
      stream.synchronize();
      sink.accept(hostScratch.buffer().limit(count * Float.BYTES));
    }
  }

  /** Fills the {@code parameterCount} floats of {@code target} chunk by chunk: fill writes a chunk, then it is copied. */
  private void fromHostInChunks(DeviceMemory target, Chunk fill) throws IOException {
    for (long done = 0; done < parameterCount; done += OPTIMIZER_CHUNK_FLOATS) {
      int count = (int) Math.min(OPTIMIZER_CHUNK_FLOATS, parameterCount - done);
      // The previous chunk's copy must leave the staging buffer before it is refilled.
      stream.synchronize();
      fill.accept(hostScratch.buffer().limit(count * Float.BYTES));
      stream.copy(target.floatAddress(done), hostScratch.address(), (long) count * Float.BYTES);
    }
    stream.synchronize();
  }

  private void checkRemaining(int remaining, String what) {
    if (remaining < parameterCount) {
      throw new IllegalArgumentException("Cannot " + what + " a buffer of " + remaining + " floats: the model has "
          + parameterCount + " parameters");
    }
  }

  // ---- collectives ----

  @Override
  public void averageParameters(Collective collective, FloatBuffer scratch) {
    if (collective instanceof DeviceCollective deviceCollective) {
      ensureOpen();
      device.makeCurrent();
      deviceCollective.allReduceMeanInPlace(parameters.address(), parameterCount, stream, kernels);
      parametersBf16Stale = true;
    } else {
      TrainingEngine.super.averageParameters(collective, scratch);
    }
  }

  @Override
  public void averageGradients(Collective collective, FloatBuffer scratch) {
    if (collective instanceof DeviceCollective deviceCollective) {
      ensureOpen();
      device.makeCurrent();
      deviceCollective.allReduceMeanInPlace(gradients.address(), parameterCount, stream, kernels);
    } else {
      TrainingEngine.super.averageGradients(collective, scratch);
    }
  }

  // ---- optimizer state: m.f32 and v.f32 (little-endian fp32, layout order) + optimizer.properties ----

  @Override
  public void saveOptimizerState(Path dir) {
    ensureOpen();
    device.makeCurrent();
    try {
      Files.createDirectories(dir);
      writeVector(firstMoment, dir.resolve("m.f32"));
      writeVector(secondMoment, dir.resolve("v.f32"));
      Files.writeString(dir.resolve("optimizer.properties"),
          "kind=" + optimizer.kind() + "\nupdates=" + updates + "\nparameters=" + parameterCount + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save optimizer state to " + dir, e);
    }
  }

  @Override
  public void loadOptimizerState(Path dir) {
    ensureOpen();
    device.makeCurrent();
    try {
      java.util.Properties properties = new java.util.Properties();
      try (var reader = Files.newBufferedReader(dir.resolve("optimizer.properties"))) {
        properties.load(reader);
      }
      long savedParameters = Long.parseLong(properties.getProperty("parameters", "-1"));
      if (savedParameters != parameterCount) {
        throw new IllegalArgumentException("Cannot load optimizer state from " + dir + ": it has " + savedParameters
            + " parameters, the model has " + parameterCount);
      }
      updates = Long.parseLong(properties.getProperty("updates", "0"));
      readVector(dir.resolve("m.f32"), firstMoment);
      readVector(dir.resolve("v.f32"), secondMoment);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load optimizer state from " + dir, e);
    }
  }

  private void writeVector(DeviceMemory source, Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      toHostInChunks(source, bytes -> {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      });
    }
  }

  private void readVector(Path file, DeviceMemory target) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() != parameterCount * Float.BYTES) {
        throw new IllegalArgumentException("Cannot load " + file + ": " + channel.size() + " bytes, expected "
            + parameterCount * Float.BYTES);
      }
      fromHostInChunks(target, bytes -> {
        while (bytes.hasRemaining()) {
          if (channel.read(bytes) < 0) {
            throw new IOException("unexpected end of " + file);
          }
        }
      });
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The CUDA engine is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    device.makeCurrent();
    try {
      stream.synchronize();
    } finally {
      closed = true;
      if (activations != null) {
        activations.close();
      }
      hostScratch.close();
      normScratch.close();
      headBf16.close();
      parametersBf16.close();
      secondMoment.close();
      firstMoment.close();
      gradients.close();
      parameters.close();
      kernels.close();
      blas.close();
      stream.close();
    }
  }
}
