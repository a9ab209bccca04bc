package dev.spindle.trainer.cuda.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs the CUDA engine's JUnit tests on the GPU machine, which has a Java runtime but no Maven
 * (bench/gpu_check.sh ships the classes). Prints one line per test and a summary; exits 1 on any failure and 2
 * when every GPU test was skipped (no device), so a run that proved nothing cannot pass silently.
 */
public final class GpuTestRunner {
  private static final String[] TEST_CLASSES = {
    "CudaAvailabilityTest", "CudaEngineGradientTest", "CudaEngineTrainingTest", "CudaCollectiveTest",
    "CudaEngineContractTest", "ChecksumAndLogitsTest", "kernels.TensorCoreAttentionTest", "kernels.KernelPreconditionsTest",
    "TokenGroupsTest", "runtime.NativePointersTest", "CudaTrainingTest"
  };

  private GpuTestRunner() {}

  public static void main(String[] args) {
    // Classes by name: package scanning finds nothing inside plain jars on some class paths.
    String[] names = args.length > 0 ? args : TEST_CLASSES;
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (String name : names) {
      selectors.add(selectClass(name.startsWith("dev.") ? name : "dev.spindle.trainer.cuda." + name));
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    TestExecutionListener printer = new TestExecutionListener() {
      private long started;

      @Override
      public void executionStarted(TestIdentifier id) {
        started = System.nanoTime();
      }

      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        System.out.println("SKIP " + id.getDisplayName() + ": " + reason);
      }

      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) {
          System.out.printf("%s %s (%.1f s)%s%n", result.getStatus(), id.getDisplayName(),
              (System.nanoTime() - started) / 1e9,
              result.getThrowable().map(t -> " -> " + t).orElse(""));
        }
      }
    };
    launcher.execute(request, summary, printer);
    summary.getSummary().printTo(new PrintWriter(System.out));
    summary.getSummary().printFailuresTo(new PrintWriter(System.out), 30);
    System.out.flush();
    long failed = summary.getSummary().getTotalFailureCount();
    long succeeded = summary.getSummary().getTestsSucceededCount();
    System.exit(failed > 0 ? 1 : succeeded == 0 ? 2 : 0);
  }
}
