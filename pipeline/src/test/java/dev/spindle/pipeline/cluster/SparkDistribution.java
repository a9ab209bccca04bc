package dev.spindle.pipeline.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark installation for child JVMs, assembled from the jars the build already resolved, laid out as a Spark
 * distribution: {@code jars/} links Spark's dependency tree (the pipeline's provided scope) plus the libraries
 * the shaded jar leaves to Spark (the shade excludes in pipeline/pom.xml: logging, Jackson, Netty, commons,
 * Guava, Arrow). A standalone Worker starts its executors with {@code SPARK_HOME/jars/*} as their class path, so
 * the driver, the Master, the Workers and the executors all see the same jars. {@code watchdog/} holds
 * {@link ParentWatchdog} alone, the main class every child JVM starts through.
 *
 * <p>Built once under {@code pipeline/target/spark-home} (rebuilt when the resolved class path changes) and shared
 * by {@code SparkSubmitIT}, {@code StandaloneClusterIT} and {@code bench/cluster.sh}. Needs the package phase's
 * outputs: the shaded jar and {@code classpath-provided.txt} / {@code classpath-runtime.txt}.
 */
public final class SparkDistribution {
  /** The checkout: tests run in {@code pipeline/}, benchmarks in the repository root. */
  public static final Path REPO = findRepository();

  private static final List<String> SHIPPED_BY_SPARK = List.of("/org/slf4j/", "/com/fasterxml/jackson/core/",
      "/org/apache/logging/log4j/", "/io/netty/", "/commons-", "/org/apache/commons/", "/com/google/guava/",
      "/org/apache/arrow/", "/com/google/flatbuffers/");
  private static SparkDistribution instance;

  private final Path home;
  private final Path applicationJar;

  private SparkDistribution(Path home, Path applicationJar) {
    this.home = home;
    this.applicationJar = applicationJar;
  }

  public static synchronized SparkDistribution get() throws IOException {
    if (instance == null) {
      Path target = REPO.resolve("pipeline/target");
      Path jar;
      try (Stream<Path> files = Files.list(target)) {
        jar = files.filter(p -> p.getFileName().toString().matches("spindle-pipeline-.*-spark\\.jar")).findFirst()
            .orElseThrow(() -> new IllegalStateException("Cannot find the shaded jar in " + target
                + ": run the package phase first (mvn -pl pipeline -am package -DskipTests)"));
      }
      instance = new SparkDistribution(assemble(target), jar);
    }
    return instance;
  }

  /** SPARK_HOME. */
  public Path home() {
    return home;
  }

  /** The shaded application jar ({@code spindle-pipeline-*-spark.jar}). */
  public Path applicationJar() {
    return applicationJar;
  }

  /**
   * A child JVM's command: {@code java} with the heap, the module flags Spark and Arrow need ({@link #jvmOptions}),
   * {@code flags}, the Spark class path followed by {@code extraClasspath}, then {@code mainClass} started through
   * {@link ParentWatchdog}.
   */
  public List<String> javaCommand(String heap, List<String> flags, List<String> extraClasspath, String mainClass,
      List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.addAll(jvmOptions());
    command.addAll(flags);
    List<String> classpath = new ArrayList<>(List.of(home.resolve("watchdog").toString(),
        home.resolve("jars") + File.separator + "*"));
    classpath.addAll(extraClasspath);
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath));
    command.add(ParentWatchdog.class.getName());
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /**
   * {@code spark-submit} of the shaded jar with Spindle's main class, as {@code bin/spark-submit} would run it:
   * {@code SparkSubmit [sparkOptions...] --class dev.spindle.pipeline.Main JAR [args...]}.
   */
  public List<String> submitCommand(String heap, List<String> flags, List<String> sparkOptions, List<String> args) {
    List<String> submit = new ArrayList<>(sparkOptions);
    submit.addAll(List.of("--class", "dev.spindle.pipeline.Main", applicationJar.toString()));
    submit.addAll(args);
    return javaCommand(heap, flags, List.of(applicationJar.toString()), "org.apache.spark.deploy.SparkSubmit",
        submit);
  }

  /** What {@code bin/load-spark-env.sh} would export for Spark's launch scripts (Workers build executor commands). */
  public Map<String, String> environment() {
    return Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1");
  }

  /** The JVM flags Arrow and Spark need on Java 17: the build's {@code spindle.jvm.opens}. */
  public static List<String> jvmOptions() {
    String opens = System.getProperty("spindle.jvm.opens");
    if (opens == null || opens.isBlank()) {
      // Benchmarks run outside Maven: read the property where the build defines it.
      try {
        Matcher matcher = Pattern.compile("<spindle\\.jvm\\.opens>([^<]+)</spindle\\.jvm\\.opens>")
            .matcher(Files.readString(REPO.resolve("pom.xml")));
        if (!matcher.find()) {
          throw new IllegalStateException("Cannot find spindle.jvm.opens in " + REPO.resolve("pom.xml"));
        }
        opens = matcher.group(1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Arrays.asList(opens.trim().split("\\s+"));
  }

  private static Path assemble(Path target) throws IOException {
    List<String> jars = distributionJars(target);
    Path home = target.resolve("spark-home");
    Path listing = home.resolve("jars.txt");
    String expected = String.join("\n", jars) + "\n";
    if (!Files.isRegularFile(listing) || !Files.readString(listing).equals(expected)) {
      Path staging = target.resolve("spark-home._tmp");
      FileTrees.delete(staging);
      Files.createDirectories(staging.resolve("jars"));
      Set<String> names = new HashSet<>();
      for (String jar : jars) {
        Path source = Path.of(jar);
        String name = source.getFileName().toString();
        // Same file name from two groups: keep both, the second under a distinct name.
        String unique = names.add(name) ? name : names.size() + "-" + name;
        names.add(unique);
        link(staging.resolve("jars").resolve(unique), source);
      }
      Files.writeString(staging.resolve("jars.txt"), expected);
      FileTrees.delete(home);
      Files.move(staging, home);
    }
    // Always refreshed: one small file, and it changes with the test sources rather than with the class path.
    Path watchdog = home.resolve("watchdog").resolve(ParentWatchdog.class.getName().replace('.', '/') + ".class");
    Files.createDirectories(watchdog.getParent());
    try (InputStream in = ParentWatchdog.class.getResourceAsStream(ParentWatchdog.class.getSimpleName() + ".class")) {
      Files.copy(in, watchdog, StandardCopyOption.REPLACE_EXISTING);
    }
    return home;
  }

  /** Spark's runtime (provided scope) followed by the libraries Spark ships that the shaded jar leaves out. */
  private static List<String> distributionJars(Path target) throws IOException {
    Set<String> entries = new LinkedHashSet<>(split(target.resolve("classpath-provided.txt")));
    for (String entry : split(target.resolve("classpath-runtime.txt"))) {
      if (SHIPPED_BY_SPARK.stream().anyMatch(entry::contains)) {
        entries.add(entry);
      }
    }
    return List.copyOf(entries);
  }

  private static List<String> split(Path classpathFile) throws IOException {
    if (!Files.isRegularFile(classpathFile)) {
      throw new IllegalStateException("Cannot assemble a Spark home: " + classpathFile
          + " is missing (written by the package phase: mvn -pl pipeline -am package -DskipTests)");
    }
    return Arrays.stream(Files.readString(classpathFile).strip().split(File.pathSeparator))
        .filter(s -> !s.isBlank()).toList();
  }

  private static void link(Path link, Path target) throws IOException {
    try {
      Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException | IOException e) {
      // File systems without symbolic links: copy.
      Files.copy(target, link);
    }
  }

  private static Path findRepository() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pipeline/pom.xml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("Cannot find the Spindle checkout above " + Path.of("").toAbsolutePath());
  }
}
