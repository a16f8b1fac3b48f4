package org.seqzoo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.deeplearning4j.nn.conf.layers.LSTM;
import org.nd4j.linalg.activations.Activation;
import org.seqzoo.models.cpu.FloatGemm;
import org.seqzoo.models.cpu.Nd4jThreads;
import org.seqzoo.models.rnn.GRU;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./seqzoo bench rnn}: a language-model step ({@link LanguageModelShape}: input → one recurrent layer →
 * softmax; forward + backward + Adam update) and forward-only inference for seqzoo's GRU and LSTM, DL4J's
 * LSTM and PyTorch's LSTM and GRU (through DJL), interleaved in one run on the same shapes. Prints per model
 * ms per step, tokens/s, the ratio of tokens/s to PyTorch's cell of the same kind, and the achieved GFLOP/s
 * against the SGEMM peak measured in the same run.
 */
@Command(name = "rnn", mixinStandardHelpOptions = true,
        description = "Time seqzoo's GRU and LSTM against DL4J's LSTM and PyTorch's LSTM and GRU: training step"
                + " and inference, same shapes, one run.")
final class RnnBench implements Callable<Integer> {

    @Option(names = "--batch", defaultValue = "64", description = "Minibatch size (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--steps", defaultValue = "30", description = "Time steps (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--input", defaultValue = "64", description = "Input size (default ${DEFAULT-VALUE}).")
    int input;
    @Option(names = "--hidden", defaultValue = "256", description = "Hidden size (default ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--classes", defaultValue = "100", description = "Softmax size (default ${DEFAULT-VALUE}).")
    int classes;
    @Option(names = "--large", description = "Larger preset: batch 128, 50 steps, hidden 512 (overrides those options).")
    boolean large;
    @Option(names = "--threads", description = "PyTorch's intra-op threads (default: the number of cores).")
    Integer threads;
    @Option(names = "--nd4j-threads", description = "ND4J threads as OPS,BLAS (default: seqzoo's, see README).")
    String nd4jThreads;
    @Option(names = "--only", description = "Run only models whose name contains this text (case-insensitive).")
    String only;
    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up rounds at least, each model once "
            + "per round; more until the JIT compilers take < 2%% of a round (at most 40; default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds, models interleaved (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--iterations", defaultValue = "5", description = "Iterations per round (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--samples", paramLabel = "FILE", description = "Also write every timed iteration (work, model, "
            + "round, iteration, start ms, ms, JIT and GC ms) to this CSV file, to see where the spread of a run "
            + "comes from.")
    Path samples;

    @Override
    public Integer call() {
        int torchThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        TorchEngine.configure(torchThreads);
        if (nd4jThreads != null) {
            System.setProperty(Nd4jThreads.PROPERTY, nd4jThreads);
        }
        Nd4jThreads.applyDefaults();
        LanguageModelShape shape = large ? new LanguageModelShape(128, 50, input, 512, classes)
                : new LanguageModelShape(batch, steps, input, hidden, classes);
        InterleavedTimer timer = new InterleavedTimer(warmup, rounds, iterations);
        List<Supplier<BenchModel>> selected = selected(candidates(shape));
        if (samples != null) {
            Path directory = samples.toAbsolutePath().getParent();
            if (directory == null || !Files.isDirectory(directory) || !Files.isWritable(directory)) {
                throw new IllegalArgumentException("--samples: cannot write " + samples + " (" + directory
                        + " is not a writable directory)");
            }
        }

        System.out.println(BenchEnvironment.describe());
        System.out.printf(Locale.ROOT, "threads: ND4J %s; PyTorch intra-op %d, inter-op 1%n", Nd4jThreads.current(),
                torchThreads);
        double peakN = 0;
        for (FloatGemm.Backend backend : FloatGemm.Backend.values()) {
            double peak1 = GemmPeak.measure(1, backend);
            double peakThreads = GemmPeak.measure(torchThreads, backend);
            peakN = Math.max(peakN, peakThreads);
            System.out.printf(Locale.ROOT, "SGEMM %d² peak (%s): %.1f GFLOP/s with 1 thread, %.1f with %d%n",
                    GemmPeak.SIZE, backend == FloatGemm.Backend.DNNL ? "oneDNN" : "OpenBLAS", peak1, peakThreads,
                    torchThreads);
        }
        System.out.printf(Locale.ROOT, "float32 products: %s (%% peak below: of the higher peak)%n",
                FloatGemm.backend() == FloatGemm.Backend.DNNL ? "oneDNN" : "OpenBLAS");
        System.out.printf(Locale.ROOT, "shapes: %s; float32; Adam; >= %d warm-up rounds (until the JIT is "
                + "quiet), %d rounds x %d iterations, interleaved, each model's round after one untimed iteration; "
                + "inference results released at once%n%n", shape, warmup, rounds, iterations);

        List<BenchModel> models = selected.stream().map(Supplier::get).toList();
        try {
            InterleavedTimer.Timings training = timer.time(models, BenchModel::trainStep);
            report("training step (forward + backward + Adam update)", shape, true, peakN, training);
            InterleavedTimer.Timings inference = timer.time(models, BenchModel::infer);
            report("inference (forward to class probabilities)", shape, false, peakN, inference);
            if (samples != null) {
                Map<String, InterleavedTimer.Timings> byWork = new LinkedHashMap<>();
                byWork.put("training", training);
                byWork.put("inference", inference);
                SampleCsv.write(samples, byWork);
                System.out.println("wrote every timed iteration to " + samples);
            }
        } finally {
            models.forEach(BenchModel::close);
        }
        return 0;
    }

    /**
     * The models under test by name, not yet built: the language models, and a seq2seq model with attention on the
     * same sizes.
     */
    private static Map<String, Supplier<BenchModel>> candidates(LanguageModelShape shape) {
        Map<String, Supplier<BenchModel>> models = new LinkedHashMap<>();
        models.put("seqzoo GRU", () -> new Dl4jLanguageModel("seqzoo GRU", 3,
                new GRU.Builder().nIn(shape.input()).nOut(shape.hidden()).build(), true, shape));
        models.put("seqzoo GRU (reset-before)", () -> new Dl4jLanguageModel("seqzoo GRU (reset-before)", 3,
                new GRU.Builder().nIn(shape.input()).nOut(shape.hidden()).resetAfter(false).build(), true, shape));
        models.put("seqzoo GRU, DL4J out+Adam", () -> new Dl4jLanguageModel("seqzoo GRU, DL4J out+Adam", 3,
                new GRU.Builder().nIn(shape.input()).nOut(shape.hidden()).build(), false, shape));
        models.put("seqzoo LSTM", () -> new Dl4jLanguageModel("seqzoo LSTM", 4,
                new org.seqzoo.models.rnn.LSTM.Builder().nIn(shape.input()).nOut(shape.hidden()).build(), true,
                shape));
        models.put("seqzoo GRU, OpenBLAS", () -> new WithGemmBackend("seqzoo GRU, OpenBLAS",
                new Dl4jLanguageModel("seqzoo GRU", 3, new GRU.Builder().nIn(shape.input()).nOut(shape.hidden())
                        .build(), true, shape), FloatGemm.Backend.OPENBLAS));
        models.put("seqzoo LSTM, OpenBLAS", () -> new WithGemmBackend("seqzoo LSTM, OpenBLAS",
                new Dl4jLanguageModel("seqzoo LSTM", 4, new org.seqzoo.models.rnn.LSTM.Builder().nIn(shape.input())
                        .nOut(shape.hidden()).build(), true, shape), FloatGemm.Backend.OPENBLAS));
        models.put("DL4J LSTM", () -> new Dl4jLanguageModel("DL4J LSTM", 4, new LSTM.Builder().nIn(shape.input())
                .nOut(shape.hidden()).activation(Activation.TANH).build(), false, shape));
        models.put("PyTorch LSTM", () -> new TorchLanguageModel(TorchLanguageModel.Cell.LSTM, shape));
        models.put("PyTorch GRU", () -> new TorchLanguageModel(TorchLanguageModel.Cell.GRU, shape));
        models.put("seqzoo seq2seq GRU+Bahdanau", () -> new Seq2SeqAttentionModel(shape));
        return models;
    }

    /** The candidates {@code --only} selects (all without it); checked before any work, so a typo costs nothing. */
    private List<Supplier<BenchModel>> selected(Map<String, Supplier<BenchModel>> candidates) {
        List<Supplier<BenchModel>> selected = new ArrayList<>();
        candidates.forEach((name, model) -> {
            if (only == null || name.toLowerCase(Locale.ROOT).contains(only.toLowerCase(Locale.ROOT))) {
                selected.add(model);
            }
        });
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("--only '" + only + "' matches no model; the models are: "
                    + String.join("; ", candidates.keySet()));
        }
        return selected;
    }

    private static void report(String title, LanguageModelShape shape, boolean training, double peak,
                               InterleavedTimer.Timings timings) {
        Map<BenchModel, double[]> perRound = timings.perRound();
        System.out.println(title + ":");
        System.out.printf(Locale.ROOT, "  %-28s %9s %9s %10s %10s %8s %7s%n", "model", "median ms", "min ms",
                "tokens/s", "vs torch", "GFLOP/s", "% peak");
        List<String> lines = new ArrayList<>();
        perRound.forEach((model, ms) -> {
            double med = InterleavedTimer.median(ms);
            double flops = training ? shape.trainingFlops(model.gateBlocks()) : shape.forwardFlops(model.gateBlocks());
            double gflops = flops / (med * 1e6);
            String flopColumns = model.gateBlocks() > 0
                    ? String.format(Locale.ROOT, "%8.1f %6.0f%%", gflops, 100 * gflops / peak)
                    : String.format(Locale.ROOT, "%8s %7s", "-", "-");
            lines.add(String.format(Locale.ROOT, "  %-28s %9.2f %9.2f %10.0f %10s %s", model.name(), med,
                    Arrays.stream(ms).min().orElse(Double.NaN), shape.tokens() / (med / 1000.0),
                    ratioToTorch(model, med, perRound), flopColumns));
        });
        lines.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "  after %d warm-up rounds; JVM work during the timed passes: JIT compilation "
                + "%d ms, garbage collection %d ms%n%n", timings.warmupRounds(),
                timings.samples().stream().mapToLong(InterleavedTimer.Sample::compilationMs).sum(),
                timings.samples().stream().mapToLong(InterleavedTimer.Sample::collectionMs).sum());
    }

    /** This model's tokens/s over those of PyTorch's cell with as many gate blocks (LSTM 4, GRU 3), if timed. */
    private static String ratioToTorch(BenchModel model, double medianMs, Map<BenchModel, double[]> perRound) {
        for (Map.Entry<BenchModel, double[]> e : perRound.entrySet()) {
            if (model.gateBlocks() > 0 && e.getKey() instanceof TorchLanguageModel
                    && e.getKey().gateBlocks() == model.gateBlocks()) {
                return String.format(Locale.ROOT, "%.2fx", InterleavedTimer.median(e.getValue()) / medianMs);
            }
        }
        return "-";
    }
}
