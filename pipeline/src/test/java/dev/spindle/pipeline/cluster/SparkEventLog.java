package dev.spindle.pipeline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An application's Spark event log ({@code spark.eventLog.enabled}, uncompressed): Spark's own record of where
 * every task ran, which executors came and went, and which stage attempts failed, with millisecond timestamps.
 * The cluster test reads placement and recovery from it rather than from log text.
 */
public final class SparkEventLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<JsonNode> events;

  private SparkEventLog(List<JsonNode> events) {
    this.events = events;
  }

  /**
   * The one application's log in {@code dir} (give each submission its own {@code spark.eventLog.dir}): Spark 4
   * writes {@code eventlog_v2_APP/events_N_APP} files (read in order of N), older versions one {@code APP} file.
   */
  public static SparkEventLog read(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> files = Files.walk(dir)) {
      logs = files.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches("(events_\\d+_)?app-[^.]*"))
          .sorted(Comparator.comparingLong(SparkEventLog::rollingIndex)).toList();
    }
    if (logs.isEmpty()) {
      throw new IllegalStateException("Cannot find an application event log in " + dir);
    }
    List<JsonNode> events = new ArrayList<>();
    for (Path log : logs) {
      for (String line : Files.readAllLines(log)) {
        if (!line.isBlank()) {
          events.add(JSON.readTree(line));
        }
      }
    }
    return new SparkEventLog(events);
  }

  private static long rollingIndex(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith("events_") ? Long.parseLong(name.split("_")[1]) : 0;
  }

  /** An executor joining or leaving, at {@code millis} (epoch). */
  public record ExecutorEvent(long millis, String executor, boolean added, String reason) {}

  /** One attempt of a stage that ran barrier tasks (the trainers). */
  public record StageAttempt(int stage, int attempt, String name, long submitted, long completed, String failure) {}

  public List<ExecutorEvent> executorEvents() {
    List<ExecutorEvent> out = new ArrayList<>();
    for (JsonNode event : events) {
      String type = event.path("Event").asText();
      if (type.equals("SparkListenerExecutorAdded") || type.equals("SparkListenerExecutorRemoved")) {
        out.add(new ExecutorEvent(event.path("Timestamp").asLong(), event.path("Executor ID").asText(),
            type.endsWith("Added"), event.path("Removed Reason").asText("")));
      }
    }
    return out;
  }

  /** Attempts of the stages whose tasks run a barrier RDD, in submission order. */
  public List<StageAttempt> barrierStageAttempts() {
    List<StageAttempt> out = new ArrayList<>();
    for (JsonNode event : events) {
      if (event.path("Event").asText().equals("SparkListenerStageCompleted")) {
        JsonNode info = event.path("Stage Info");
        if (isBarrier(info)) {
          out.add(new StageAttempt(info.path("Stage ID").asInt(), info.path("Stage Attempt ID").asInt(),
              info.path("Stage Name").asText(), info.path("Submission Time").asLong(),
              info.path("Completion Time").asLong(), info.path("Failure Reason").asText("")));
        }
      }
    }
    out.sort((a, b) -> Long.compare(a.submitted(), b.submitted()));
    return out;
  }

  /** The executors on which tasks of the given stage attempt finished successfully. */
  public Set<String> successfulTaskExecutors(int stage, int attempt) {
    Set<String> executors = new TreeSet<>();
    for (JsonNode event : events) {
      if (event.path("Event").asText().equals("SparkListenerTaskEnd") && event.path("Stage ID").asInt() == stage
          && event.path("Stage Attempt ID").asInt() == attempt
          && event.path("Task End Reason").path("Reason").asText().equals("Success")) {
        executors.add(event.path("Task Info").path("Executor ID").asText());
      }
    }
    return executors;
  }

  /** When the first task of the given stage attempt was launched (epoch ms), or -1 if none ran. */
  public long firstTaskLaunch(int stage, int attempt) {
    long first = Long.MAX_VALUE;
    for (JsonNode event : events) {
      if (event.path("Event").asText().equals("SparkListenerTaskEnd") && event.path("Stage ID").asInt() == stage
          && event.path("Stage Attempt ID").asInt() == attempt) {
        first = Math.min(first, event.path("Task Info").path("Launch Time").asLong());
      }
    }
    return first == Long.MAX_VALUE ? -1 : first;
  }

  /** Task failures by Spark's reason ({@code ExecutorLostFailure}, {@code FetchFailed}, {@code TaskKilled}, ...). */
  public List<String> taskFailures() {
    List<String> out = new ArrayList<>();
    for (JsonNode event : events) {
      if (event.path("Event").asText().equals("SparkListenerTaskEnd")) {
        String reason = event.path("Task End Reason").path("Reason").asText();
        if (!reason.equals("Success")) {
          out.add(reason);
        }
      }
    }
    return out;
  }

  /** Failed stage attempts (any stage), as "stage.attempt name: reason". */
  public List<String> failedStageAttempts() {
    List<String> out = new ArrayList<>();
    for (JsonNode event : events) {
      if (event.path("Event").asText().equals("SparkListenerStageCompleted")) {
        JsonNode info = event.path("Stage Info");
        if (info.has("Failure Reason")) {
          String reason = info.path("Failure Reason").asText().lines().findFirst().orElse("");
          out.add(info.path("Stage ID").asInt() + "." + info.path("Stage Attempt ID").asInt() + " "
              + info.path("Stage Name").asText() + ": " + reason);
        }
      }
    }
    return out;
  }

  private static boolean isBarrier(JsonNode stageInfo) {
    for (JsonNode rdd : stageInfo.path("RDD Info")) {
      if (rdd.path("Barrier").asBoolean(false)) {
        return true;
      }
    }
    return false;
  }
}
