package dev.spindle.trainer.cuda;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.cuda.collective.DeviceCollective;
import dev.spindle.trainer.cuda.cudnn.CudnnAttention;
import dev.spindle.trainer.cuda.kernels.Bf16Attention;
import dev.spindle.trainer.cuda.kernels.KernelLibrary;
import dev.spindle.trainer.cuda.runtime.CublasHandle;
import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaException;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.OwnedResources;
import dev.spindle.trainer.cuda.runtime.NativePointers;
import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * GPT training on one GPU (llm.c style): parameters and gradients in one flat fp32 allocation each, in
 * {@link dev.spindle.trainer.engine.ParameterLayout} order ({@link DeviceParameters}); forward is a flat list of
 * layer calls and backward mirrors it in reverse; matrix products through cuBLAS ({@link Products},
 * {@link Linear}), everything else through the NVRTC-compiled kernels ({@link KernelLibrary}); the optimizer,
 * host transfers and profiling are their own classes. All work goes onto one stream; the host waits only to read
 * the loss, the gradient norm, a checksum, or a vector it was asked for.
 *
 * <p>Shapes: B batch, T sequence length (the bucket), C width, H heads, V vocabulary, N = B * T. Buffers are
 * sized for the largest N seen (or {@link CudaEngineOptions#tokenCapacity()}), so changing T between steps at
 * constant N allocates nothing. Not thread-safe: one thread drives one engine (it may change between calls).
 */
final class CudaEngine implements TrainingEngine {
  private final ModelConfig model;
  private final Precision precision;
  private final boolean bf16;
  private final CudaDevice device;
  private final ParameterOffsets offsets;
  private final CudaStream stream;
  private final CublasHandle blas;
  private final KernelLibrary kernels;
  /** Attention on the tensor cores with bf16 qkv / output / output gradient (BF16 mode, head size 32 or 64). */
  private final boolean bf16Attention;
  /** That attention: cuDNN's fused attention or Spindle's kernels ({@link AttentionChoice}); null in FP32 mode. */
  private final Bf16Attention tensorAttention;
  private final CudnnAttention cudnnAttention; // when cuDNN runs it (this engine closes it)
  private final DeviceParameters vectors;
  private final HostTransfers transfers;
  private final DeviceOptimizer optimizer;
  private final Products products;
  private final Linear linear;
  private final StepProfile profile;
  private final DeviceMemory checksumScratch;
  private final TokenGroups tokenGroups = new TokenGroups();
  private ActivationBuffers activations;
  private int activationAllocations;
  private boolean gradientsReady;
  private boolean closed;

  CudaEngine(ModelConfig model, OptimizerConfig optimizerConfig, long seed, CudaDevice device,
      CudaEngineOptions options) {
    this.model = requireNonNull(model, "model is null");
    requireNonNull(optimizerConfig, "optimizer is null");
    this.precision = options.precision();
    this.bf16 = precision == Precision.BF16;
    this.device = requireNonNull(device, "device is null");
    device.makeCurrent();
    this.offsets = new ParameterOffsets(model);
    // Each resource is released again if a later one cannot be created (NVRTC error, out of memory).
    OwnedResources created = new OwnedResources("CUDA engine's resources");
    try {
      this.stream = created.add(new CudaStream());
      this.blas = created.add(new CublasHandle(stream));
      this.kernels = created.add(new KernelLibrary(device, model.dModel(), model.headSize(), bf16));
      this.bf16Attention = kernels.hasTensorCoreAttention();
      AttentionChoice.requireApplicable(options.attention(), bf16, bf16Attention, model.headSize());
      CudnnAttention cudnn = bf16Attention ? AttentionChoice.cudnn(options.attention(), kernels, model.headSize())
          : null;
      this.cudnnAttention = cudnn == null ? null : created.add(cudnn);
      this.tensorAttention = cudnn != null ? cudnn : bf16Attention ? kernels.tensorCoreAttention() : null;
      this.vectors = created.add(new DeviceParameters(model, offsets, precision, stream));
      this.transfers = created.add(new HostTransfers(stream));
      this.optimizer = created.add(
          new DeviceOptimizer(optimizerConfig, offsets, vectors.count(), kernels.optimizer(), transfers, stream));
      this.checksumScratch = created.add(new DeviceMemory(Long.BYTES, "parameter checksum"));
    } catch (RuntimeException e) {
      throw created.releaseAfter(e);
    }
    this.products = new Products(precision, blas, stream, vectors, kernels.convert());
    this.linear = new Linear(products, kernels.bias(), vectors, stream);
    this.profile = new StepProfile(options.profile(), stream);
    try {
      // Computed on the host (identical on every engine), copied in chunks through pinned memory.
      writeParameters(FloatBuffer.wrap(InitialParameters.create(model, seed)));
      if (options.tokenCapacity() > 0) {
        ensureCapacity(options.tokenCapacity());
      }
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public ModelConfig model() {
    return model;
  }

  @Override
  public long parameterCount() {
    return vectors.count();
  }

  Precision precision() {
    return precision;
  }

  /** How many times activation buffers were (re)allocated: stays 1 while tokens per step stay constant. */
  int activationAllocations() {
    return activationAllocations;
  }

  /** Milliseconds per category since the last call (empty unless profiling), and resets. */
  Map<String, Double> takeProfile() {
    return profile.take();
  }

  @Override
  public float computeGradients(TokenBatch batch) {
    profile.mark("host");
    int n = prepare(batch);
    profile.mark("tokens");
    stream.zero(vectors.gradients().address(), vectors.gradients().bytes());
    profile.mark("zero-gradients");
    forward(batch.batchSize(), batch.length());
    crossEntropy(batch, n, true);
    stageTokenGroups(batch); // on the host while the GPU runs the forward pass
    backward(batch.batchSize(), batch.length());
    gradientsReady = true;
    return meanLoss(n);
  }

  @Override
  public float evaluate(TokenBatch batch) {
    int n = prepare(batch);
    forward(batch.batchSize(), batch.length());
    crossEntropy(batch, n, false);
    return meanLoss(n);
  }

  @Override
  public void logits(TokenBatch batch, FloatBuffer into) {
    int n = prepare(batch);
    forward(batch.batchSize(), batch.length());
    transfers.rowsToHost(activations.logits.address(), bf16, n, activations.logitsStride, model.vocabSize(), into);
  }

  private void crossEntropy(TokenBatch batch, int n, boolean writeGradient) {
    kernels.crossEntropy().forwardBackward(stream, activations.logits.address(), bf16, activations.losses.address(),
        activations.tokens.address(), batch.batchSize(), batch.length(), model.vocabSize(), activations.logitsStride,
        1.0f / n, writeGradient);
    profile.mark("crossentropy");
  }

  /** Validates the batch, sizes buffers, and stages its tokens to the GPU asynchronously; returns N. */
  private int prepare(TokenBatch batch) {
    ensureOpen();
    device.makeCurrent();
    int b = batch.batchSize();
    int t = batch.length();
    if (t > model.maxLength()) {
      throw new IllegalArgumentException("Cannot train on batch: sequence length " + t + " exceeds the model's maximum "
          + model.maxLength() + " (position embedding rows; raise the maximum length or drop longer buckets)");
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
        throw new IllegalArgumentException("Cannot train on batch: token " + token + " at row " + i / (t + 1)
            + ", position " + i % (t + 1) + " is outside the vocabulary 0.." + (vocabulary - 1)
            + " (tokenizer and model disagree?)");
      }
    }
    // The previous step's copy out of the staging buffer has finished: every step ends with a stream sync.
    Pointer.memcpy(NativePointers.at(activations.stagingTokens.address()), NativePointers.at(batch.address()),
        (long) count * Integer.BYTES);
    stream.copy(activations.tokens.address(), activations.stagingTokens.address(), (long) count * Integer.BYTES);
    return (int) n;
  }

  /** Groups the batch's positions by token for the embedding backward and copies the groups to the GPU. */
  private void stageTokenGroups(TokenBatch batch) {
    tokenGroups.group(batch.tokens(), batch.tokens().position(), batch.batchSize(), batch.length(), model.vocabSize());
    IntBuffer staged = activations.stagingGroups.buffer().asIntBuffer();
    tokenGroups.writeTo(staged);
    stream.copy(activations.tokenGroups.address(), activations.stagingGroups.address(),
        (long) staged.position() * Integer.BYTES);
    profile.mark("token-groups");
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
      activations = ActivationBuffers.allocate(model, tokens, bf16, bf16Attention);
    } catch (CudaException e) {
      throw new CudaException("Cannot allocate activations for " + tokens + " tokens per step (about "
          + ActivationBuffers.deviceBytes(model, tokens) / (1 << 20) + " MiB): " + e.getMessage(), e.status());
    }
    activationAllocations++;
    products.useScratch(activations);
  }

  private float meanLoss(int n) {
    stream.copy(activations.hostLosses.address(), activations.losses.address(), (long) n * Float.BYTES);
    stream.synchronize();
    profile.mark("loss-readback");
    FloatBuffer losses = activations.hostLosses.buffer().asFloatBuffer();
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += losses.get(i);
    }
    return (float) (sum / n);
  }

  private long parameter(long offset) {
    return vectors.parameter(offset);
  }

  private long gradient(long offset) {
    return vectors.gradient(offset);
  }

  // ---- forward: a flat list of layer calls ----

  private void forward(int b, int t) {
    int n = b * t;
    int c = model.dModel();
    int heads = model.heads();
    ActivationBuffers a = activations;
    long cap = a.capacity;
    vectors.refreshBf16(stream, kernels.convert());
    profile.mark("weights-bf16");
    int nb = a.normBytes;
    kernels.embedding().forward(stream, a.residual.address(), a.tokens.address(), parameter(offsets.tokenEmbedding),
        parameter(offsets.positionEmbedding), b, t, c);
    profile.mark("embedding");
    ParameterOffsets.Block first = offsets.blocks[0];
    kernels.layerNorm().forward(stream, a.ln1.address(), bf16, a.ln1Mean.address(), a.ln1Rstd.address(),
        a.residual.address(), parameter(first.ln1Gain()), parameter(first.ln1Bias()), n, c);
    profile.mark("layernorm");
    for (int l = 0; l < model.layers(); l++) {
      // Layer l's ln1 was written by the previous layer's last fused call (or above, for layer 0).
      ParameterOffsets.Block p = offsets.blocks[l];
      long x = a.residual.floatAddress(l * cap * c);
      DeviceMatrix ln1 = DeviceMatrix.activation(a.ln1.elementAddress(l * cap * c, nb), bf16, n, c);
      long qkv = a.qkv.elementAddress(l * cap * 3 * c, a.attentionBytes);
      long attention = a.attention.elementAddress(l * cap * c, a.attentionBytes);
      long lse = a.lse.floatAddress(l * cap * heads);
      long residual2 = a.residual2.floatAddress(l * cap * c);
      DeviceMatrix ln2 = DeviceMatrix.activation(a.ln2.elementAddress(l * cap * c, nb), bf16, n, c);
      long fc = a.fc.elementAddress(l * cap * 4 * c, nb);
      long fcGelu = a.fcGelu.elementAddress(l * cap * 4 * c, nb);
      long next = a.residual.floatAddress((l + 1) * cap * c);
      DeviceMatrix projection = DeviceMatrix.fp32(a.projection.address(), n, c);
      // Attention branch: residual2 = x + proj(attention(qkv(ln1))), then ln2 = LayerNorm(residual2).
      linear.forward(DeviceMatrix.activation(qkv, bf16Attention, n, 3 * c), ln1, p.qkvWeight(), p.qkvBias()); // (N, 3C)
      profile.mark("linear");
      if (bf16Attention) {
        tensorAttention.forward(stream, attention, lse, qkv, b, t, heads); // (N, C)
      } else {
        kernels.attention().forward(stream, attention, lse, qkv, b, t, heads);
      }
      profile.mark("attention-forward");
      linear.forwardWithoutBias(projection, DeviceMatrix.activation(attention, bf16Attention, n, c),
          p.projectionWeight());
      profile.mark("linear");
      kernels.residual().residualLayerNorm(stream, residual2, ln2.address(), bf16, a.ln2Mean.floatAddress(l * cap),
          a.ln2Rstd.floatAddress(l * cap), x, projection.address(), parameter(p.projectionBias()),
          parameter(p.ln2Gain()), parameter(p.ln2Bias()), n, c);
      profile.mark("residual-layernorm");
      // MLP branch: next = residual2 + proj(gelu(fc(ln2))), then the next LayerNorm (layer l + 1's ln1, or lnf).
      linear.forwardWithoutBias(DeviceMatrix.activation(fc, bf16, n, 4 * c), ln2, p.fcWeight());
      profile.mark("linear");
      kernels.gelu().biasGelu(stream, fcGelu, bf16, fc, parameter(p.fcBias()), n, 4 * c);
      profile.mark("bias-gelu");
      linear.forwardWithoutBias(projection, DeviceMatrix.activation(fcGelu, bf16, n, 4 * c), p.fcProjectionWeight());
      profile.mark("linear");
      boolean lastLayer = l == model.layers() - 1;
      long nextGain = lastLayer ? parameter(offsets.finalGain) : parameter(offsets.blocks[l + 1].ln1Gain());
      long nextBias = lastLayer ? parameter(offsets.finalBias) : parameter(offsets.blocks[l + 1].ln1Bias());
      kernels.residual().residualLayerNorm(stream, next,
          lastLayer ? a.lnf.address() : a.ln1.elementAddress((l + 1) * cap * c, nb), bf16,
          lastLayer ? a.lnfMean.address() : a.ln1Mean.floatAddress((l + 1) * cap),
          lastLayer ? a.lnfRstd.address() : a.ln1Rstd.floatAddress((l + 1) * cap), residual2, projection.address(),
          parameter(p.fcProjectionBias()), nextGain, nextBias, n, c);
      profile.mark("residual-layernorm");
    }
    // logits (N, V) = lnf (N, C) wte^T (tied) or lnf head (C, V), stored with row stride VP (bf16 in BF16 mode).
    DeviceMatrix lnf = DeviceMatrix.activation(a.lnf.address(), bf16, n, c);
    DeviceMatrix logits = new DeviceMatrix(a.logits.address(), bf16 ? DeviceMatrix.Storage.BF16
        : DeviceMatrix.Storage.FP32, n, a.logitsStride, a.logitsStride);
    if (vectors.paddedHead()) { // all VP columns: wte's padded copy has zero rows, so padding logits are zero
      products.multiply(lnf, false, vectors.paddedHeadMatrix(), true, logits, false);
    } else if (model.tiedHead()) {
      products.multiply(lnf, false, vectors.weight(offsets.head, model.vocabSize(), c), true,
          logits.firstColumns(model.vocabSize()), false);
    } else {
      products.multiply(lnf, false, vectors.weight(offsets.head, c, model.vocabSize()), false,
          logits.firstColumns(model.vocabSize()), false);
    }
    profile.mark("head");
  }

  // ---- backward: the forward in reverse ----

  private void backward(int b, int t) {
    int n = b * t;
    int c = model.dModel();
    int v = model.vocabSize();
    int heads = model.heads();
    ActivationBuffers a = activations;
    long cap = a.capacity;
    // The cross-entropy kernel left dL/dlogits in the logits (bf16 in BF16 mode); padding columns are zero.
    DeviceMatrix dLogitsPadded = new DeviceMatrix(a.logits.address(), bf16 ? DeviceMatrix.Storage.BF16
        : DeviceMatrix.Storage.FP32, n, a.logitsStride, a.logitsStride);
    DeviceMatrix dLogits = dLogitsPadded.firstColumns(v);
    DeviceMatrix lnf = DeviceMatrix.activation(a.lnf.address(), bf16, n, c);
    DeviceMatrix dLayerNormOut = DeviceMatrix.fp32(a.dLayerNormOut.address(), n, c);
    if (vectors.paddedHead()) { // K = VP is exact: the padding columns of dlogits are zero
      products.multiply(dLogitsPadded, false, vectors.paddedHeadMatrix(), false, dLayerNormOut, false);
      products.multiply(dLogits, true, lnf, false, vectors.gradient(offsets.head, v, c), true);
    } else if (model.tiedHead()) {
      products.multiply(dLogits, false, vectors.weight(offsets.head, v, c), false, dLayerNormOut, false);
      products.multiply(dLogits, true, lnf, false, vectors.gradient(offsets.head, v, c), true);
    } else {
      products.multiply(dLogits, false, vectors.weight(offsets.head, c, v), true, dLayerNormOut, false);
      products.multiply(lnf, true, dLogits, false, vectors.gradient(offsets.head, c, v), true);
    }
    profile.mark("head");
    long dResidual = a.dResidual.address();
    stream.zero(dResidual, (long) n * c * Float.BYTES);
    // BF16 mode: each LayerNorm backward also writes dResidual as bf16 into operand B's scratch, where the next
    // (lower) linear layer's backward products read it.
    long dResidualCopy = bf16 ? a.operandB.address() : 0L;
    DeviceMatrix dResidualOperand = bf16 ? DeviceMatrix.bf16(a.operandB.address(), n, c)
        : DeviceMatrix.fp32(dResidual, n, c);
    kernels.layerNorm().backward(stream, dResidual, dResidualCopy, gradient(offsets.finalGain),
        gradient(offsets.finalBias), a.dLayerNormOut.address(), a.residual.floatAddress(model.layers() * cap * c),
        parameter(offsets.finalGain), a.lnfMean.address(), a.lnfRstd.address(), n, c);
    profile.mark("layernorm");
    for (int l = model.layers() - 1; l >= 0; l--) {
      ParameterOffsets.Block p = offsets.blocks[l];
      long x = a.residual.floatAddress(l * cap * c);
      DeviceMatrix ln1 = DeviceMatrix.activation(a.ln1.elementAddress(l * cap * c, a.normBytes), bf16, n, c);
      long qkv = a.qkv.elementAddress(l * cap * 3 * c, a.attentionBytes);
      DeviceMatrix attention = DeviceMatrix.activation(a.attention.elementAddress(l * cap * c, a.attentionBytes),
          bf16Attention, n, c);
      long lse = a.lse.floatAddress(l * cap * heads);
      long residual2 = a.residual2.floatAddress(l * cap * c);
      DeviceMatrix ln2 = DeviceMatrix.activation(a.ln2.elementAddress(l * cap * c, a.normBytes), bf16, n, c);
      long fc = a.fc.elementAddress(l * cap * 4 * c, a.normBytes);
      DeviceMatrix fcGelu = DeviceMatrix.activation(a.fcGelu.elementAddress(l * cap * 4 * c, a.normBytes), bf16, n,
          4 * c);
      DeviceMatrix dFc = DeviceMatrix.activation(a.dFc.address(), bf16, n, 4 * c);
      // MLP branch: next = residual2 + proj(gelu(fc(ln2(residual2))))
      linear.backward(dFc, dResidualOperand, fcGelu, p.fcProjectionWeight(), p.fcProjectionBias());
      profile.mark("linear");
      kernels.gelu().backward(stream, bf16, dFc.address(), fc, (long) n * 4 * c);
      profile.mark("gelu");
      linear.backward(dLayerNormOut, dFc, ln2, p.fcWeight(), p.fcBias());
      profile.mark("linear");
      kernels.layerNorm().backward(stream, dResidual, dResidualCopy, gradient(p.ln2Gain()), gradient(p.ln2Bias()),
          a.dLayerNormOut.address(), residual2, parameter(p.ln2Gain()), a.ln2Mean.floatAddress(l * cap),
          a.ln2Rstd.floatAddress(l * cap), n, c);
      profile.mark("layernorm");
      // Attention branch: residual2 = x + proj(attention(qkv(ln1(x))))
      DeviceMatrix dAttention = DeviceMatrix.activation(a.dAttention.address(), bf16Attention, n, c);
      linear.backward(dAttention, dResidualOperand, attention, p.projectionWeight(), p.projectionBias());
      profile.mark("linear");
      if (bf16Attention) {
        tensorAttention.backward(stream, a.dQkv.address(), a.attentionDelta.address(),
            dAttention.address(), qkv, attention.address(), lse, b, t, heads);
      } else {
        kernels.attention().backward(stream, a.dQkv.address(), a.attentionDelta.address(), dAttention.address(), qkv,
            attention.address(), lse, b, t, heads);
      }
      profile.mark("attention-backward");
      linear.backward(dLayerNormOut, DeviceMatrix.activation(a.dQkv.address(), bf16Attention, n, 3 * c), ln1,
          p.qkvWeight(), p.qkvBias());
      profile.mark("linear");
      kernels.layerNorm().backward(stream, dResidual, l > 0 ? dResidualCopy : 0L, gradient(p.ln1Gain()),
          gradient(p.ln1Bias()), a.dLayerNormOut.address(), x, parameter(p.ln1Gain()),
          a.ln1Mean.floatAddress(l * cap), a.ln1Rstd.floatAddress(l * cap), n, c);
      profile.mark("layernorm");
    }
    long order = a.tokenGroups.address();
    long starts = order + (long) n * Integer.BYTES;
    long ids = starts + (tokenGroups.segments() + 1L) * Integer.BYTES;
    kernels.embedding().backward(stream, gradient(offsets.tokenEmbedding), gradient(offsets.positionEmbedding),
        dResidual, b, t, c, order, starts, ids, tokenGroups.segments());
    profile.mark("embedding");
  }

  // ---- optimizer, vectors, collectives ----

  @Override
  public double applyUpdate(long step) {
    ensureOpen();
    device.makeCurrent();
    if (!gradientsReady) {
      throw new IllegalStateException("Cannot apply an update at step " + step + ": no gradients yet (call"
          + " computeGradients or writeGradients first)");
    }
    profile.mark("host");
    return optimizer.apply(stream, vectors, step, profile);
  }

  @Override
  public void readParameters(FloatBuffer into) {
    ensureOpen();
    device.makeCurrent();
    transfers.toHost(vectors.parameters().address(), vectors.count(), into);
  }

  @Override
  public void writeParameters(FloatBuffer from) {
    ensureOpen();
    device.makeCurrent();
    transfers.fromHost(from, vectors.parameters().address(), vectors.count());
    vectors.markChanged();
  }

  @Override
  public void readGradients(FloatBuffer into) {
    ensureOpen();
    device.makeCurrent();
    transfers.toHost(vectors.gradients().address(), vectors.count(), into);
  }

  @Override
  public void writeGradients(FloatBuffer from) {
    ensureOpen();
    device.makeCurrent();
    transfers.fromHost(from, vectors.gradients().address(), vectors.count());
    gradientsReady = true;
  }

  /** Computed on the device: one pass over the parameters, eight bytes back to the host. */
  @Override
  public long parameterChecksum() {
    ensureOpen();
    device.makeCurrent();
    stream.zero(checksumScratch.address(), Long.BYTES);
    kernels.checksum().checksum(stream, vectors.parameters().address(), vectors.count(), checksumScratch.address());
    return transfers.readEightBytes(checksumScratch.address()).getLong(0);
  }

  @Override
  public void averageParameters(Collective collective, FloatBuffer scratch) {
    if (collective instanceof DeviceCollective deviceCollective) {
      ensureOpen();
      device.makeCurrent();
      deviceCollective.allReduceMeanInPlace(vectors.parameters().address(), vectors.count(), stream, kernels);
      vectors.markChanged();
    } else {
      TrainingEngine.super.averageParameters(collective, scratch);
    }
  }

  @Override
  public void averageGradients(Collective collective, FloatBuffer scratch) {
    if (collective instanceof DeviceCollective deviceCollective) {
      ensureOpen();
      device.makeCurrent();
      deviceCollective.allReduceMeanInPlace(vectors.gradients().address(), vectors.count(), stream, kernels);
    } else {
      TrainingEngine.super.averageGradients(collective, scratch);
    }
  }

  @Override
  public void saveOptimizerState(Path dir) {
    ensureOpen();
    device.makeCurrent();
    optimizer.save(dir);
  }

  @Override
  public void loadOptimizerState(Path dir) {
    ensureOpen();
    device.makeCurrent();
    optimizer.load(dir);
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
    closed = true;
    RuntimeException failure = null;
    try {
      device.makeCurrent();
      stream.synchronize();
    } catch (RuntimeException e) {
      failure = e; // e.g. a kernel fault: every free below then fails too, and this is the error to report
    }
    try (stream; blas; kernels; CudnnAttention c = cudnnAttention; vectors; transfers; optimizer; checksumScratch;
        ActivationBuffers a = activations) {
      activations = null;
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
