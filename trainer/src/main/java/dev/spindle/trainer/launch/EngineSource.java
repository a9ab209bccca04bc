package dev.spindle.trainer.launch;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.EngineProvider.Accelerator;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.TrainingEngine;
import java.util.function.IntFunction;

/** How a launched trainer gets its engine: where engines of this kind compute, and a factory. */
public interface EngineSource {
  Accelerator accelerator();

  /** GPUs this process sees (GPU engines placed without Spark's GPU scheduling take rank mod this count). */
  int deviceCount();

  /** What identifies GPU {@code device} on this machine across processes (see {@link EngineProvider#deviceIdentity}). */
  default String deviceIdentity(int device) {
    return device < 0 ? "" : "gpu" + device;
  }

  TrainingEngine create(int rank, int device);

  /** The job's engine, by its provider name, with the job's model, optimizer, seed and engine options. */
  static EngineSource of(TrainingJob job) {
    EngineProvider provider = Engines.provider(job.run().settings().engine());
    return new EngineSource() {
      @Override
      public Accelerator accelerator() {
        return provider.accelerator();
      }

      @Override
      public int deviceCount() {
        return provider.deviceCount();
      }

      @Override
      public String deviceIdentity(int device) {
        return device < 0 ? "" : provider.deviceIdentity(device);
      }

      @Override
      public TrainingEngine create(int rank, int device) {
        return provider.create(job.model(), job.optimizer(), job.seed(), device, job.run().settings().engineOptions());
      }
    };
  }

  /** Host engines made by rank (tests, benchmarks). */
  static EngineSource host(IntFunction<TrainingEngine> engines) {
    requireNonNull(engines, "engines is null");
    return new EngineSource() {
      @Override
      public Accelerator accelerator() {
        return Accelerator.HOST;
      }

      @Override
      public int deviceCount() {
        return 0;
      }

      @Override
      public TrainingEngine create(int rank, int device) {
        return engines.apply(rank);
      }
    };
  }
}
