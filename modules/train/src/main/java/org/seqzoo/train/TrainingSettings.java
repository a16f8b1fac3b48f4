package org.seqzoo.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Trainer} runs: budget, batches, validation, early stopping, checkpoints and output. Built with
 * {@link #builder(Path)}; {@link Builder#build()} rejects invalid values with a message naming each.
 *
 * @param outputDirectory where the run writes {@code model.zip}, {@code best.zip}, {@code checkpoint.zip},
 *                        {@code metrics.jsonl} and {@code curves.png}
 * @param maxSteps        stop after this many updates in total (0 = no step limit)
 * @param maxEpochs       stop after this many passes over the training data (0 = no epoch limit)
 * @param validEvery      validate every this many updates (and at the end)
 * @param checkpointEvery write a checkpoint every this many updates (and at the end)
 * @param stopMetric      validation metric for early stopping and the best model: loss, perplexity,
 *                        token_accuracy, exact_match or bleu
 * @param patience        stop after this many validations without improvement (0 = never stop early)
 * @param decodeLimit     validation pairs decoded for exact match and BLEU
 * @param logEvery        log the training loss every this many updates
 */
public record TrainingSettings(Path outputDirectory, long maxSteps, int maxEpochs, int batchSize, int validEvery,
                               int checkpointEvery, String stopMetric, int patience, int decodeLimit, int logEvery,
                               int shuffleBuffer, int bucketing, int prefetch, long seed, boolean quiet) {

    /** Metrics where larger is better; the others (loss, perplexity) improve downwards. */
    static final Set<String> INCREASING = Set.of("token_accuracy", "exact_match", "bleu");
    static final Set<String> METRICS = Set.of("loss", "perplexity", "token_accuracy", "exact_match", "bleu");

    /** Whether {@code candidate} improves on {@code best} for {@link #stopMetric()}. */
    boolean improves(double candidate, double best) {
        return INCREASING.contains(stopMetric) ? candidate > best : candidate < best;
    }

    public static Builder builder(Path outputDirectory) {
        return new Builder(outputDirectory);
    }

    /** Builder with defaults: 2,000 steps, batch 64, validation and checkpoint every 250, early stop on BLEU. */
    public static final class Builder {
        private final Path outputDirectory;
        private long maxSteps = 2000;
        private int maxEpochs;
        private int batchSize = 64;
        private int validEvery = 250;
        private int checkpointEvery = 250;
        private String stopMetric = "bleu";
        private int patience = 4;
        private int decodeLimit = 500;
        private int logEvery = 25;
        private int shuffleBuffer = 10_000;
        private int bucketing = 50;
        private int prefetch = 4;
        private long seed = 12345;
        private boolean quiet;

        private Builder(Path outputDirectory) {
            this.outputDirectory = Objects.requireNonNull(outputDirectory, "outputDirectory");
        }

        public Builder maxSteps(long maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        public Builder maxEpochs(int maxEpochs) {
            this.maxEpochs = maxEpochs;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder validEvery(int validEvery) {
            this.validEvery = validEvery;
            return this;
        }

        public Builder checkpointEvery(int checkpointEvery) {
            this.checkpointEvery = checkpointEvery;
            return this;
        }

        /** Early stopping on {@code metric} after {@code patience} validations without improvement (0 = off). */
        public Builder earlyStopping(String metric, int patience) {
            this.stopMetric = metric;
            this.patience = patience;
            return this;
        }

        public Builder decodeLimit(int decodeLimit) {
            this.decodeLimit = decodeLimit;
            return this;
        }

        public Builder logEvery(int logEvery) {
            this.logEvery = logEvery;
            return this;
        }

        /** Shuffle buffer (pairs), bucketing pool (batches) and prefetched batches of the training data. */
        public Builder batching(int shuffleBuffer, int bucketing, int prefetch) {
            this.shuffleBuffer = shuffleBuffer;
            this.bucketing = bucketing;
            this.prefetch = prefetch;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder quiet(boolean quiet) {
            this.quiet = quiet;
            return this;
        }

        public TrainingSettings build() {
            List<String> problems = new ArrayList<>();
            if (maxSteps <= 0 && maxEpochs <= 0) {
                problems.add("set a budget: steps or epochs must be positive");
            }
            if (maxSteps < 0 || maxEpochs < 0) {
                problems.add("steps and epochs cannot be negative");
            }
            if (batchSize < 1 || validEvery < 1 || checkpointEvery < 1 || logEvery < 1) {
                problems.add("batch size, validation, checkpoint and log intervals must be positive");
            }
            if (!METRICS.contains(stopMetric)) {
                problems.add("unknown early-stopping metric '" + stopMetric + "' (choose " + METRICS + ")");
            }
            if (patience < 0 || decodeLimit < 0 || shuffleBuffer < 0 || bucketing < 0 || prefetch < 0) {
                problems.add("patience, decode limit, shuffle buffer, bucketing and prefetch cannot be negative");
            }
            if (decodeLimit == 0 && ("exact_match".equals(stopMetric) || "bleu".equals(stopMetric))) {
                problems.add("early stopping on " + stopMetric + " needs decoded validation pairs (decode limit > 0)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid training settings: " + String.join("; ", problems));
            }
            return new TrainingSettings(outputDirectory, maxSteps, maxEpochs, batchSize, validEvery, checkpointEvery,
                    stopMetric, patience, decodeLimit, logEvery, shuffleBuffer, bucketing, prefetch, seed, quiet);
        }
    }
}
