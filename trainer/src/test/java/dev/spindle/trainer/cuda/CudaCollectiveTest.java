package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.trainer.cuda.collective.NcclCollective;
import dev.spindle.trainer.cuda.collective.SharedDeviceCollective;
import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Averaging on the device: two trainers sharing one GPU (in-process kernel), and NCCL with one rank. */
class CudaCollectiveTest {
  private static final ModelConfig MODEL = new ModelConfig(1, 32, 2, 40, 16, true);
  private static final OptimizerConfig SGD = OptimizerConfig.sgd(0.1, 10);

  @BeforeEach
  void requireGpu() {
    GpuTests.assumeGpu();
  }

  @Test
  void twoTrainersSharingOneGpuAverageParametersAndGradientsOnDevice() throws Exception {
    List<SharedDeviceCollective> members = SharedDeviceCollective.group(2, 60);
    float[] first = InitialParameters.create(MODEL, 1);
    float[] second = InitialParameters.create(MODEL, 2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (CudaEngine a = GpuTests.engine(MODEL, SGD, 1, Precision.FP32, 0);
        CudaEngine b = GpuTests.engine(MODEL, SGD, 2, Precision.FP32, 0)) {
      a.computeGradients(TestBatches.random(8, 2, 40, 1));
      b.computeGradients(TestBatches.random(8, 2, 40, 2));
      float[] gradientsA = GpuTests.gradients(a);
      float[] gradientsB = GpuTests.gradients(b);
      Future<?> runA = threads.submit(() -> {
        a.averageParameters(members.get(0), null);
        a.averageGradients(members.get(0), null);
      });
      Future<?> runB = threads.submit(() -> {
        b.averageParameters(members.get(1), null);
        b.averageGradients(members.get(1), null);
      });
      runA.get();
      runB.get();
      float[] averagedA = GpuTests.parameters(a);
      float[] averagedB = GpuTests.parameters(b);
      float[] averagedGradients = GpuTests.gradients(b);
      for (int i = 0; i < first.length; i++) {
        assertThat(averagedA[i]).as("parameter %d", i).isCloseTo((first[i] + second[i]) / 2, Offset.offset(1e-7f));
        assertThat(averagedGradients[i]).as("gradient %d", i)
            .isCloseTo((gradientsA[i] + gradientsB[i]) / 2, Offset.offset(1e-7f));
      }
      assertThat(averagedB).as("both replicas hold the same vector").isEqualTo(averagedA);
    } finally {
      threads.shutdownNow();
      members.get(0).close();
    }
  }

  @Test
  void sharedDeviceCollectiveAveragesHostVectors() throws Exception {
    List<SharedDeviceCollective> members = SharedDeviceCollective.group(3, 60);
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      FloatBuffer[] buffers = new FloatBuffer[3];
      Future<?>[] runs = new Future<?>[3];
      for (int r = 0; r < 3; r++) {
        buffers[r] = FloatBuffer.wrap(new float[] {r, 10 * r, -r, 1});
        int rank = r;
        runs[r] = threads.submit(() -> members.get(rank).allReduceMean(buffers[rank]));
      }
      for (Future<?> run : runs) {
        run.get();
      }
      for (FloatBuffer buffer : buffers) {
        assertThat(buffer.array()).containsExactly(1f, 10f, -1f, 1f);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void ncclWithOneRankKeepsParametersAndAveragesHostVectors() {
    byte[] id = NcclCollective.newUniqueId();
    assertThat(id).hasSize(NcclCollective.UNIQUE_ID_BYTES);
    try (CudaEngine engine = GpuTests.engine(MODEL, SGD, 4, Precision.FP32, 0);
        NcclCollective collective = new NcclCollective(0, 1, id, 0, java.time.Duration.ofSeconds(60))) {
      float[] before = GpuTests.parameters(engine);
      engine.averageParameters(collective, null);
      assertThat(GpuTests.parameters(engine)).isEqualTo(before);
      FloatBuffer host = FloatBuffer.wrap(new float[] {1.5f, -2f, 3f});
      collective.allReduceMean(host);
      assertThat(host.array()).containsExactly(1.5f, -2f, 3f);
      collective.barrier();
    }
  }
}
