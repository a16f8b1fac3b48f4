package org.seqzoo.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.seqzoo.data.batch.LabelFormat;
import org.seqzoo.data.batch.Seq2SeqBatchIterator;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.bundle.BundleException;
import org.seqzoo.train.bundle.ModelBundle;
import org.seqzoo.train.plots.MetricRecord;
import org.seqzoo.train.plots.TrainingCurves;
import org.seqzoo.train.progress.MetricsLog;
import org.seqzoo.train.progress.TrainingProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a seqzoo graph on a pair corpus: Adam with the spec's learning rate, schedule and per-layer gradient
 * clipping; validation every N updates (loss, perplexity, token accuracy, exact match, BLEU); early stopping with
 * patience, keeping the best model; atomic checkpoints, from which {@link #resume} continues to the same result
 * an uninterrupted run reaches (the data order is a function of the seed and epoch, and the random generator is
 * reseeded from the step); NaN/Inf loss stops training naming the step, leaving the last good checkpoint intact.
 *
 * <p>Writes into {@link TrainingSettings#outputDirectory()}: {@value #MODEL} (the best model, else the last),
 * {@value #BEST}, {@value #CHECKPOINT}, {@value #METRICS} (JSON lines) and {@value #CURVES}.
 */
public final class Trainer {

    public static final String MODEL = "model.zip";
    public static final String BEST = "best.zip";
    public static final String CHECKPOINT = "checkpoint.zip";
    public static final String METRICS = "metrics.jsonl";
    public static final String CURVES = "curves.png";
    private static final String STATE_ENTRY = "trainer-state.json";
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The training and validation data (validation may be a split part of the same corpus). */
    public record Data(PairPipeline train, PairPipeline valid) {
        public Data {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(valid, "valid");
        }
    }

    /**
     * What a run produced.
     *
     * @param model        the kept model (best on the stopping metric, else the last), also in {@value #MODEL}
     * @param validation   the kept model's validation report
     * @param stoppedEarly whether patience ran out before the budget
     */
    public record Result(ModelBundle model, Path modelFile, long steps, int epochs,
                         Evaluation.Report validation, boolean stoppedEarly, Duration time) {
    }

    /** Where a run stands: saved with each checkpoint. */
    record State(long step, int epoch, long batchInEpoch, double best, long bestStep, int sinceBest) {
        static State initial(TrainingSettings settings) {
            boolean increasing = TrainingSettings.INCREASING.contains(settings.stopMetric());
            return new State(0, 0, 0, increasing ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, -1, 0);
        }
    }

    private final TrainingSettings settings;
    private final Data data;
    private final ModelBundle bundle;
    private State state;
    private Evaluation.Report lastReport;
    private Evaluation.Report bestReport;

    private Trainer(TrainingSettings settings, Data data, ModelBundle bundle, State state) {
        this.settings = settings;
        this.data = data;
        this.bundle = bundle;
        this.state = state;
    }

    /**
     * Trains {@code start} (a freshly built graph with its vocabularies and text settings) from step 0.
     *
     * @throws IllegalStateException if the output directory already holds a run (use {@link #resume})
     */
    public static Result train(ModelBundle start, Data data, TrainingSettings settings) {
        Path checkpoint = settings.outputDirectory().resolve(CHECKPOINT);
        if (Files.exists(checkpoint)) {
            throw new IllegalStateException(settings.outputDirectory() + " already holds a training run ("
                    + CHECKPOINT + "): resume it, or choose another output directory");
        }
        createDirectories(settings.outputDirectory());
        return new Trainer(settings, data, start, State.initial(settings)).run();
    }

    /** Continues the run in the output directory from its last checkpoint. */
    public static Result resume(Data data, TrainingSettings settings) {
        Path checkpoint = settings.outputDirectory().resolve(CHECKPOINT);
        if (!Files.exists(checkpoint)) {
            throw new IllegalStateException("nothing to resume: no " + CHECKPOINT + " in " + settings.outputDirectory());
        }
        ModelBundle.Loaded loaded = ModelBundle.loadWithEntries(checkpoint);
        byte[] stateJson = loaded.entries().get(STATE_ENTRY);
        if (stateJson == null) {
            throw new BundleException(checkpoint, "not a training checkpoint (no " + STATE_ENTRY + ")");
        }
        State state;
        try {
            state = JSON.readValue(stateJson, State.class);
        } catch (IOException e) {
            throw new BundleException(checkpoint, STATE_ENTRY + " is not valid: " + e.getMessage(), e);
        }
        LOG.info("resuming {} at step {} (epoch {}, batch {})", settings.outputDirectory(), state.step(), state.epoch(),
                state.batchInEpoch());
        return new Trainer(settings, data, loaded.bundle(), state).run();
    }

    private Result run() {
        long startTime = System.nanoTime();
        ComputationGraph graph = bundle.graph();
        Seq2SeqSpec spec = bundle.spec();
        boolean stoppedEarly = false;
        long total = settings.maxSteps() > 0 ? settings.maxSteps() : estimateSteps();
        try (Seq2SeqBatchIterator train = trainBatches();
             MetricsLog log = MetricsLog.resume(settings.outputDirectory().resolve(METRICS), state.step());
             TrainingProgress progress = TrainingProgress.start("train", total, state.step(), settings.quiet())) {
            fastForward(train);
            long lastValidation = -1;
            long windowNanos = 0;   // time in fit() only: tokens/s is training throughput
            long windowTokens = 0;
            double windowLoss = 0;
            while (settings.maxSteps() <= 0 || state.step() < settings.maxSteps()) {
                if (!train.hasNext()) {
                    if (state.batchInEpoch() == 0) {
                        throw new IllegalStateException("the training data yields no batches: " + data.train().corpus());
                    }
                    state = new State(state.step(), state.epoch() + 1, 0, state.best(), state.bestStep(), state.sinceBest());
                    if (settings.maxEpochs() > 0 && state.epoch() >= settings.maxEpochs()) {
                        break;
                    }
                    train.reset();
                    continue;
                }
                MultiDataSet batch = train.next();
                Nd4j.getRandom().setSeed(settings.seed() + state.step());
                long fitStart = System.nanoTime();
                graph.fit(batch);
                windowNanos += System.nanoTime() - fitStart;
                long step = state.step() + 1;
                state = new State(step, state.epoch(), state.batchInEpoch() + 1, state.best(), state.bestStep(),
                        state.sinceBest());
                long tokens = tokens(batch);
                double lossPerToken = graph.score() * batch.getFeatures(0).size(0) / Math.max(1, tokens);
                if (!Double.isFinite(lossPerToken)) {
                    throw new TrainingDivergedException(step, graph.score(), lastCheckpoint());
                }
                windowTokens += tokens;
                windowLoss += lossPerToken;
                if (step % settings.logEvery() == 0) {
                    double seconds = windowNanos / 1e9;
                    double meanLoss = windowLoss / settings.logEvery();
                    log.write(new MetricRecord(step, "train", Map.of("loss", meanLoss,
                            "tokens_per_second", windowTokens / seconds)));
                    progress.stepTo(step, String.format(Locale.ROOT, "loss %.3f  %,.0f tok/s", meanLoss,
                            windowTokens / seconds));
                    windowNanos = 0;
                    windowTokens = 0;
                    windowLoss = 0;
                }
                if (step % settings.validEvery() == 0) {
                    stoppedEarly = validate(log);
                    lastValidation = step;
                }
                if (step % settings.checkpointEvery() == 0) {
                    checkpoint();
                }
                if (stoppedEarly) {
                    break;
                }
            }
            if (lastValidation != state.step()) {
                validate(log);
            }
            checkpoint();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's metrics in " + settings.outputDirectory() + ": "
                    + e.getMessage(), e);
        }
        writeCurves();
        Path modelFile = settings.outputDirectory().resolve(MODEL);
        Path best = settings.outputDirectory().resolve(BEST);
        ModelBundle kept = bundle;
        Evaluation.Report keptReport = lastReport;
        try {
            if (Files.exists(best)) {
                Files.copy(best, modelFile, StandardCopyOption.REPLACE_EXISTING);
                kept = ModelBundle.load(modelFile);
                keptReport = bestReport != null ? bestReport : evaluate(kept);   // best found before a resume
            } else {
                bundle.save(modelFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + modelFile + ": " + e.getMessage(), e);
        }
        return new Result(kept, modelFile, state.step(), state.epoch(), keptReport, stoppedEarly,
                Duration.ofNanos(System.nanoTime() - startTime));
    }

    /** The validation report of {@code model}. */
    private Evaluation.Report evaluate(ModelBundle model) {
        try (Seq2SeqBatchIterator valid = validBatches()) {
            return Evaluation.run(model.graph(), model.spec(), model.vocabularies(), model.text().source(),
                    model.text().target(), valid, settings.decodeLimit(), 3);
        }
    }

    /** Validates, logs, keeps the best model; returns whether patience ran out. */
    private boolean validate(MetricsLog log) throws IOException {
        lastReport = evaluate(bundle);
        Map<String, Double> values = lastReport.values();
        log.write(new MetricRecord(state.step(), "valid", values));
        LOG.info("step {}: {}", state.step(), describe(values));
        Double value = values.get(settings.stopMetric());
        if (value != null && settings.improves(value, state.best())) {
            state = new State(state.step(), state.epoch(), state.batchInEpoch(), value, state.step(), 0);
            bestReport = lastReport;
            bundle.save(settings.outputDirectory().resolve(BEST));
            return false;
        }
        state = new State(state.step(), state.epoch(), state.batchInEpoch(), state.best(), state.bestStep(),
                state.sinceBest() + 1);
        if (settings.patience() > 0 && state.sinceBest() >= settings.patience()) {
            LOG.info("stopping early: no better {} than {} (step {}) for {} validations", settings.stopMetric(),
                    state.best(), state.bestStep(), state.sinceBest());
            return true;
        }
        return false;
    }

    /** Writes the checkpoint (model, updater state and this trainer's state) atomically, if the model is sound. */
    private void checkpoint() {
        INDArray params = bundle.graph().params();
        if (params.isNaN().any() || params.isInfinite().any()) {
            throw new TrainingDivergedException(state.step(), Double.NaN, lastCheckpoint());
        }
        Map<String, byte[]> extras = new HashMap<>();
        try {
            extras.put(STATE_ENTRY, JSON.writeValueAsString(state).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bundle.save(settings.outputDirectory().resolve(CHECKPOINT), extras);
    }

    private Optional<Path> lastCheckpoint() {
        Path checkpoint = settings.outputDirectory().resolve(CHECKPOINT);
        return Files.exists(checkpoint) ? Optional.of(checkpoint) : Optional.empty();
    }

    private void writeCurves() {
        try {
            List<MetricRecord> records = MetricsLog.read(settings.outputDirectory().resolve(METRICS));
            if (!records.isEmpty()) {
                TrainingCurves.write(settings.outputDirectory().resolve(CURVES), records,
                        "seqzoo " + bundle.spec().cell() + " " + bundle.spec().attention());
            }
        } catch (IOException e) {
            LOG.warn("could not write {}: {}", CURVES, e.getMessage());
        }
    }

    /** Skips to where the checkpoint left off: the same epoch order, minus the batches already trained on. */
    private void fastForward(Seq2SeqBatchIterator train) {
        for (int e = 0; e < state.epoch(); e++) {
            train.reset();
        }
        for (long b = 0; b < state.batchInEpoch() && train.hasNext(); b++) {
            train.next();
        }
    }

    private Seq2SeqBatchIterator trainBatches() {
        return Seq2SeqBatchIterator.builder(data.train(), bundle.vocabularies()).batchSize(settings.batchSize())
                .shuffleBuffer(settings.shuffleBuffer()).bucketing(settings.bucketing()).seed(settings.seed())
                .prefetch(settings.prefetch()).labels(labels()).build();
    }

    private Seq2SeqBatchIterator validBatches() {
        return Seq2SeqBatchIterator.builder(data.valid(), bundle.vocabularies()).batchSize(settings.batchSize())
                .labels(labels()).build();
    }

    private LabelFormat labels() {
        return bundle.spec().sparseLabels() ? LabelFormat.INDICES : LabelFormat.ONE_HOT;
    }

    /** For the progress bar when only epochs are set: the batches of one epoch times the epochs. */
    private long estimateSteps() {
        long batches = 0;
        try (Seq2SeqBatchIterator count = trainBatches()) {
            while (count.hasNext()) {
                count.next();
                batches++;
            }
        }
        return batches * settings.maxEpochs();
    }

    /** Real target tokens of a batch (the label mask's sum). */
    private static long tokens(MultiDataSet batch) {
        INDArray mask = batch.getLabelsMaskArray(0);
        return mask == null ? batch.getLabels(0).size(0) * batch.getLabels(0).size(2) : (long) mask.sumNumber().doubleValue();
    }

    /** "loss 1.234  perplexity 3.43  token_accuracy 0.912  exact_match 0.71  bleu 45.20". */
    static String describe(Map<String, Double> values) {
        StringBuilder out = new StringBuilder();
        values.forEach((name, value) -> out.append(out.length() == 0 ? "" : "  ").append(name).append(' ')
                .append(String.format(Locale.ROOT, name.equals("bleu") || name.equals("perplexity") ? "%.2f" : "%.4f",
                        value)));
        return out.toString();
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
