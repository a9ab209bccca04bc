package dev.spindle.trainer.dl4j;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.optim.AdamW;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU engine: the model as a SameDiff graph on nd4j-native, gradients from {@code calculateGradientsAndOutputs}
 * (one forward + backward that also yields the loss), and the host {@link AdamW} on a flat parameter vector.
 *
 * <p>The flat float arrays are the master copy of parameters and gradients in {@link ParameterLayout} order: the
 * collective, checkpoints and the optimizer all work on them, and parameters are copied into the graph's
 * variables (in place, through their native buffers) only when they changed before the next forward pass. That
 * copy is cheaper than keeping SameDiff's arrays as views of one buffer, which this DL4J version does not keep.
 *
 * <p>Not thread-safe; separate instances may run on separate threads of one JVM (each owns its graph).
 */
final class Dl4jEngine implements TrainingEngine {
  private final ModelConfig model;
  private final ParameterLayout layout;
  private final Dl4jGraph graph;
  private final List<String> variableNames;
  private final List<ParameterLayout.Entry> entries;
  private final AdamW optimizer;
  private final float[] parameters;
  private final float[] gradients;
  private final Map<Integer, SequenceInputs> sequenceInputs = new HashMap<>();
  private boolean graphParametersStale = true;
  private boolean hasGradients;
  private boolean closed;

  Dl4jEngine(ModelConfig model, OptimizerConfig optimizerConfig, long seed) {
    this.model = requireNonNull(model, "model is null");
    requireNonNull(optimizerConfig, "optimizer is null");
    this.layout = ParameterLayout.of(model);
    this.graph = Dl4jGraph.build(model);
    this.variableNames = graph.variableNames();
    this.entries = layout.entries();
    this.optimizer = new AdamW(optimizerConfig, layout);
    this.parameters = InitialParameters.create(model, seed);
    this.gradients = new float[parameters.length];
    NativeThreads.engineOpened();
  }

  /** Length-only inputs (positions, causal mask), built once per bucket length and reused. */
  private record SequenceInputs(INDArray positions, INDArray causalMask) {}

  @Override
  public ModelConfig model() {
    return model;
  }

  @Override
  public long parameterCount() {
    return parameters.length;
  }

  @Override
  public float computeGradients(TokenBatch batch) {
    ensureOpen();
    Map<String, INDArray> placeholders = placeholders(batch);
    pushParametersToGraph();
    OutAndGrad result =
        graph.graph().calculateGradientsAndOutputs(placeholders, List.of(Dl4jGraph.LOSS), variableNames);
    Map<String, INDArray> gradientArrays = result.getGradients();
    for (int i = 0; i < entries.size(); i++) {
      INDArray gradient = gradientArrays.get(variableNames.get(i));
      if (gradient == null) {
        throw new IllegalStateException(
            "Cannot compute gradients: SameDiff returned none for " + entries.get(i).name()
                + " (the parameter does not reach the loss)");
      }
      copyOut(gradient, gradients, (int) entries.get(i).offset(), (int) entries.get(i).size());
    }
    hasGradients = true;
    float loss = result.getOutputs().get(Dl4jGraph.LOSS).getFloat(0);
    // Native buffers are otherwise freed only when the GC finds their Java wrappers, which a small heap with
    // little garbage rarely does: close what this step made so resident memory stays flat.
    gradientArrays.values().forEach(Dl4jEngine::closeQuietly);
    result.getOutputs().values().forEach(Dl4jEngine::closeQuietly);
    releaseStepPlaceholders(placeholders);
    return loss;
  }

  /** Closes the per-step placeholders; positions and the causal mask are cached per length and kept. */
  private static void releaseStepPlaceholders(Map<String, INDArray> placeholders) {
    for (String name :
        List.of(Dl4jGraph.INPUTS, Dl4jGraph.TARGETS, Dl4jGraph.SEQUENCE_SHAPE, Dl4jGraph.HEAD_SHAPE)) {
      closeQuietly(placeholders.get(name));
    }
  }

  private static void closeQuietly(INDArray array) {
    if (array != null && array.closeable()) {
      array.close();
    }
  }

  @Override
  public float evaluate(TokenBatch batch) {
    ensureOpen();
    Map<String, INDArray> placeholders = placeholders(batch);
    pushParametersToGraph();
    INDArray lossArray = graph.graph().output(placeholders, Dl4jGraph.LOSS).get(Dl4jGraph.LOSS);
    float loss = lossArray.getFloat(0);
    closeQuietly(lossArray);
    releaseStepPlaceholders(placeholders);
    return loss;
  }

  @Override
  public void logits(TokenBatch batch, FloatBuffer into) {
    ensureOpen();
    long count = logitCount(batch);
    if (into.remaining() < count) {
      throw new IllegalArgumentException(
          "Cannot compute logits: buffer has room for " + into.remaining() + " floats, need " + count + " (B * L * V)");
    }
    Map<String, INDArray> placeholders = placeholders(batch);
    pushParametersToGraph();
    INDArray logits = graph.graph().output(placeholders, Dl4jGraph.LOGITS).get(Dl4jGraph.LOGITS); // (N, V)
    if (logits.length() != count) {
      throw new IllegalStateException(
          "Cannot compute logits: SameDiff returned shape " + java.util.Arrays.toString(logits.shape())
              + ", expected " + count + " values");
    }
    into.put(nativeView(logits));
    closeQuietly(logits);
    releaseStepPlaceholders(placeholders);
  }

  @Override
  public double applyUpdate(long step) {
    ensureOpen();
    if (!hasGradients) {
      throw new IllegalStateException(
          "Cannot apply an update at step " + step + ": no gradients yet (call computeGradients or writeGradients"
              + " first)");
    }
    double learningRate = optimizer.update(parameters, gradients, step);
    graphParametersStale = true;
    return learningRate;
  }

  @Override
  public void readParameters(FloatBuffer into) {
    ensureOpen();
    checkRoom("read parameters", into);
    into.put(parameters);
  }

  @Override
  public void writeParameters(FloatBuffer from) {
    ensureOpen();
    checkAvailable("write parameters", from);
    from.get(parameters);
    graphParametersStale = true;
  }

  @Override
  public void readGradients(FloatBuffer into) {
    ensureOpen();
    checkRoom("read gradients", into);
    into.put(gradients);
  }

  @Override
  public void writeGradients(FloatBuffer from) {
    ensureOpen();
    checkAvailable("write gradients", from);
    from.get(gradients);
    hasGradients = true;
  }

  @Override
  public void saveOptimizerState(Path dir) {
    ensureOpen();
    optimizer.save(dir);
  }

  @Override
  public void loadOptimizerState(Path dir) {
    ensureOpen();
    optimizer.load(dir);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      // SameDiff has no close in this version; its native arrays are freed when the graph is collected.
      sequenceInputs.clear();
      NativeThreads.engineClosed();
    }
  }

  private Map<String, INDArray> placeholders(TokenBatch batch) {
    int length = batch.length();
    int batchSize = batch.batchSize();
    if (length > model.maxLength()) {
      throw new IllegalArgumentException(
          "Cannot train on batch: sequence length " + length + " exceeds the model's maximum " + model.maxLength()
              + " (raise the model's max length to the largest bucket)");
    }
    int rows = batchSize * length;
    int[] inputs = new int[rows];
    int[] targets = new int[rows];
    IntBuffer tokens = batch.tokens();
    int base = tokens.position();
    int vocabulary = model.vocabSize();
    for (int b = 0; b < batchSize; b++) {
      int row = base + b * (length + 1);
      for (int t = 0; t <= length; t++) {
        int token = tokens.get(row + t);
        if (token < 0 || token >= vocabulary) {
          // oneHot would silently map an out-of-range id to a zero row and train on garbage.
          throw new IllegalArgumentException(
              "Cannot train on batch: token " + token + " at row " + b + ", position " + t
                  + " is outside the vocabulary [0, " + vocabulary + ")");
        }
        if (t < length) {
          inputs[b * length + t] = token;
        }
        if (t > 0) {
          targets[b * length + t - 1] = token;
        }
      }
    }
    SequenceInputs sequence = sequenceInputs.computeIfAbsent(length, Dl4jEngine::sequenceInputs);
    Map<String, INDArray> placeholders = new HashMap<>();
    placeholders.put(Dl4jGraph.INPUTS, Nd4j.createFromArray(inputs));
    placeholders.put(Dl4jGraph.TARGETS, Nd4j.createFromArray(targets));
    placeholders.put(Dl4jGraph.POSITIONS, sequence.positions());
    placeholders.put(Dl4jGraph.CAUSAL_MASK, sequence.causalMask());
    placeholders.put(Dl4jGraph.SEQUENCE_SHAPE, Nd4j.createFromArray(new long[] {batchSize, length, model.dModel()}));
    placeholders.put(
        Dl4jGraph.HEAD_SHAPE,
        Nd4j.createFromArray(new long[] {batchSize, length, model.heads(), model.headSize()}));
    return placeholders;
  }

  private static SequenceInputs sequenceInputs(int length) {
    int[] positions = new int[length];
    float[][] mask = new float[length][length];
    for (int t = 0; t < length; t++) {
      positions[t] = t;
      for (int u = t + 1; u < length; u++) {
        // Large and finite: exp underflows to exactly 0 without the NaNs -inf would give in the backward pass.
        mask[t][u] = -1e9f;
      }
    }
    return new SequenceInputs(Nd4j.createFromArray(positions), Nd4j.createFromArray(mask));
  }

  private void pushParametersToGraph() {
    if (!graphParametersStale) {
      return;
    }
    SameDiff sameDiff = graph.graph();
    for (int i = 0; i < entries.size(); i++) {
      INDArray array = sameDiff.getVariable(variableNames.get(i)).getArr();
      ParameterLayout.Entry entry = entries.get(i);
      if (array.isView() || array.ordering() != 'c' || array.length() != entry.size()) {
        // Writing through a copy would silently leave the graph on old parameters.
        throw new IllegalStateException(
            "Cannot copy parameters into the graph: variable " + entry.name() + " is not a dense array of "
                + entry.size() + " floats");
      }
      FloatBuffer target = nativeView(array);
      target.put(parameters, (int) entry.offset(), (int) entry.size());
    }
    graphParametersStale = false;
  }

  private static void copyOut(INDArray array, float[] into, int offset, int size) {
    if (array.length() != size) {
      throw new IllegalStateException(
          "Cannot read gradient: expected " + size + " values, SameDiff returned shape "
              + java.util.Arrays.toString(array.shape()));
    }
    nativeView(array).get(into, offset, size);
  }

  /** The array's values as a float buffer over its native memory, copying first if it is a strided view. */
  private static FloatBuffer nativeView(INDArray array) {
    INDArray contiguous = array;
    if (array.isView() || array.ordering() != 'c' || array.offset() != 0) {
      contiguous = array.dup('c');
    }
    FloatBuffer view = contiguous.data().asNioFloat();
    view.limit((int) contiguous.length());
    return view;
  }

  private void checkRoom(String what, FloatBuffer buffer) {
    if (buffer.remaining() < parameters.length) {
      throw new IllegalArgumentException(
          "Cannot " + what + ": buffer has room for " + buffer.remaining() + " floats, need " + parameters.length);
    }
  }

  private void checkAvailable(String what, FloatBuffer buffer) {
    if (buffer.remaining() < parameters.length) {
      throw new IllegalArgumentException(
          "Cannot " + what + ": buffer holds " + buffer.remaining() + " floats, need " + parameters.length);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Cannot use the DL4J engine: it is closed");
    }
  }
}
