package dev.spindle.trainer.loop;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * One line of {@code metrics.jsonl}, written by rank 0 after every step ({@link MetricsLog}) and read back by the
 * run report and the tests through {@link MetricsLog#read}: the same record both ways, snake_case keys.
 *
 * @param length the step's bucket length
 * @param batch sequences in the step, over all trainers
 * @param epoch the pass over the step's bucket
 * @param loss mean training loss over the replicas
 * @param lr the learning rate the step used
 * @param tokensPerS tokens of the step over its wall time, all trainers
 * @param stepMs the step's wall time
 * @param inputWaitMs of which waiting for the batch
 * @param syncMs of which averaging across replicas
 * @param trainSeconds wall seconds since the run (or its resume) started
 * @param checksum the replicas' parameter checksums
 * @param validationLoss loss on the held-out sequences by bucket length, on validation steps only (else null, and
 *     left out of the line)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepMetrics(
    long step, int length, int batch, int epoch, double loss, double lr, double tokensPerS, double stepMs,
    double inputWaitMs, double syncMs, double trainSeconds, String checksum, Map<Integer, Double> validationLoss) {}
