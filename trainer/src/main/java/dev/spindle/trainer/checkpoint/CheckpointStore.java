package dev.spindle.trainer.checkpoint;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints under one directory as {@code step-N/} (N = the next step to run): {@code parameters.bin}
 * (float32 little-endian, layout order), {@code optimizer/rank-R/} (each trainer's engine optimizer state),
 * {@code state.json} and {@code checksums.json} (SHA-256 of every other file). A checkpoint is assembled in
 * {@code step-N._tmp} and renamed into place, so a crash leaves either the whole checkpoint or none; the
 * checksums catch files damaged later. {@link #latest()} returns the newest checkpoint that verifies and
 * skips the others with a warning.
 *
 * <p>Protocol with several trainers (one shared directory): rank 0 {@link #stage}s, all ranks write their
 * optimizer state into it, rank 0 writes the parameters and {@link #commit}s after a barrier.
 */
public final class CheckpointStore {
  static final String PARAMETERS = "parameters.bin";
  static final String STATE = "state.json";
  static final String CHECKSUMS = "checksums.json";
  private static final Pattern NAME = Pattern.compile("step-(\\d+)");
  private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final int keep;
  private final List<String> warnings = new ArrayList<>();

  /** @param keep how many committed checkpoints to keep (older ones are deleted after a commit) */
  public CheckpointStore(Path root, int keep) {
    this.root = requireNonNull(root, "root is null");
    if (keep <= 0) {
      throw new IllegalArgumentException("Invalid checkpoint store: keep must be positive, got " + keep);
    }
    this.keep = keep;
  }

  public Path root() {
    return root;
  }

  /** Creates an empty staging directory for the checkpoint taken before step {@code nextStep}. */
  public Path stage(long nextStep) {
    Path staging = stagingDir(nextStep);
    try {
      deleteRecursively(staging);
      Files.createDirectories(staging);
      return staging;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create checkpoint staging dir " + staging + ": " + e.getMessage(), e);
    }
  }

  public Path stagingDir(long nextStep) {
    return root.resolve("step-" + nextStep + "._tmp");
  }

  static Path optimizerDir(Path checkpoint, int rank) {
    return checkpoint.resolve("optimizer").resolve("rank-" + rank);
  }

  /** The (created) directory where {@code rank} saves its optimizer state inside a staging dir. */
  public static Path stagedOptimizerDir(Path staging, int rank) {
    Path dir = optimizerDir(staging, rank);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir + ": " + e.getMessage(), e);
    }
    return dir;
  }

  public static void writeParameters(Path staging, FloatBuffer parameters) {
    Path file = staging.resolve(PARAMETERS);
    ByteBuffer bytes = ByteBuffer.allocate(parameters.remaining() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(parameters.duplicate());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the state and checksums, then renames the staging directory to {@code step-N} and drops
   * checkpoints beyond {@code keep}.
   */
  public Checkpoint commit(CheckpointState state) {
    Path staging = stagingDir(state.nextStep());
    Path target = root.resolve("step-" + state.nextStep());
    try {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("next_step", state.nextStep());
      fields.put("parameter_count", state.parameterCount());
      fields.put("trainers", state.trainers());
      fields.put("plan_fingerprint", state.planFingerprint());
      fields.put("engine", state.engine());
      fields.put("random_state", state.randomState());
      JSON.writeValue(staging.resolve(STATE).toFile(), fields);
      JSON.writeValue(staging.resolve(CHECKSUMS).toFile(), checksums(staging));
      deleteRecursively(target);
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      prune();
      return new Checkpoint(target, state);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot commit checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  /** The newest checkpoint whose files all match their checksums; invalid ones are skipped with a warning. */
  public Optional<Checkpoint> latest() {
    for (Path dir : committed()) {
      try {
        return Optional.of(verify(dir));
      } catch (IllegalStateException | IOException e) {
        String warning = "Skipping checkpoint " + dir + ": " + e.getMessage();
        warnings.add(warning);
        LOG.log(Level.WARNING, warning);
      }
    }
    return Optional.empty();
  }

  /** Warnings from {@link #latest()} about checkpoints that were skipped. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Committed checkpoint directories, newest first. */
  public List<Path> committed() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries
          .filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
          .sorted(Comparator.comparingLong(CheckpointStore::stepOf).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list checkpoints in " + root + ": " + e.getMessage(), e);
    }
  }

  private static long stepOf(Path dir) {
    Matcher m = NAME.matcher(dir.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /**
   * The checkpoint in {@code dir} (a {@code step-N} directory), verified against its checksums like
   * {@link #latest()} does; for tools that read one chosen checkpoint (export).
   *
   * @throws IllegalArgumentException naming what is wrong when {@code dir} is not a complete, intact checkpoint
   */
  public static Checkpoint open(Path dir) {
    try {
      return verify(dir);
    } catch (IllegalStateException | IOException e) {
      throw new IllegalArgumentException("Cannot use checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Checkpoint verify(Path dir) throws IOException {
    Path sums = dir.resolve(CHECKSUMS);
    if (!Files.isRegularFile(sums)) {
      throw new IllegalStateException("no " + CHECKSUMS + " (incomplete checkpoint)");
    }
    JsonNode expected = JSON.readTree(sums.toFile());
    Map<String, String> actual = checksums(dir);
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String found = actual.get(entry.getKey());
      if (found == null) {
        throw new IllegalStateException("file " + entry.getKey() + " is missing");
      }
      if (!found.equals(entry.getValue().asText())) {
        throw new IllegalStateException("checksum mismatch for " + entry.getKey() + " (expected "
            + entry.getValue().asText() + ", got " + found + ")");
      }
    }
    if (!expected.has(STATE) || !expected.has(PARAMETERS)) {
      throw new IllegalStateException("checksums do not cover " + STATE + " and " + PARAMETERS);
    }
    JsonNode state = JSON.readTree(dir.resolve(STATE).toFile());
    return new Checkpoint(dir, new CheckpointState(
        state.get("next_step").asLong(),
        state.get("parameter_count").asLong(),
        state.get("trainers").asInt(),
        state.get("plan_fingerprint").asText(),
        state.get("engine").asText(),
        state.get("random_state").asText()));
  }

  /** SHA-256 of every file under {@code dir} except the checksum file, by relative path. */
  private static Map<String, String> checksums(Path dir) throws IOException {
    Map<String, String> sums = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = dir.relativize(file).toString().replace('\\', '/');
        if (!name.equals(CHECKSUMS)) {
          sums.put(name, sha256(file));
        }
      }
    }
    return sums;
  }

  private static String sha256(Path file) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void prune() throws IOException {
    List<Path> all = committed();
    for (int i = keep; i < all.size(); i++) {
      deleteRecursively(all.get(i));
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
