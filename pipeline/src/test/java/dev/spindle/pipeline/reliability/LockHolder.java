package dev.spindle.pipeline.reliability;

import dev.spindle.pipeline.stage.OutputLock;
import dev.spindle.pipeline.stage.Progress;
import java.nio.file.Path;

/** Run in a child JVM: takes an output's lock as another Spindle command would, says so, and waits to be killed. */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws InterruptedException {
    OutputLock lock = OutputLock.acquire(Path.of(args[0]), Progress.quiet());
    System.out.println("locked " + lock);
    System.out.flush();
    Thread.sleep(600_000);
  }
}
