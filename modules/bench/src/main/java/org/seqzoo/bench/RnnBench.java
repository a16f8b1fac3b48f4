package org.seqzoo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.seqzoo.models.rnn.GRU;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./seqzoo bench rnn}: a language-model training step (input → one recurrent layer → softmax;
 * forward + backward + Adam update) and forward-only inference, for seqzoo's GRU and DL4J's LSTM on the
 * same shapes, interleaved in one run. Prints ms per step, tokens/s and each model's ratio to the
 * baseline (DL4J's LSTM).
 */
@Command(name = "rnn", mixinStandardHelpOptions = true,
        description = "Time seqzoo's GRU against DL4J's LSTM: training step and inference, same shapes.")
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
    @Option(names = "--warmup", defaultValue = "5", description = "Untimed iterations per model (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds, models interleaved (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--iterations", defaultValue = "5", description = "Iterations per round (default ${DEFAULT-VALUE}).")
    int iterations;

    /** One model under test: a name and its network. */
    private record Candidate(String name, MultiLayerNetwork net) {
    }

    @Override
    public Integer call() {
        System.out.println(BenchEnvironment.describe());
        System.out.printf(Locale.ROOT, "shapes: batch=%d steps=%d input=%d hidden=%d classes=%d; float32; "
                + "%d warm-up, %d rounds x %d iterations, interleaved%n%n", batch, steps, input, hidden, classes,
                warmup, rounds, iterations);

        List<Candidate> candidates = List.of(
                new Candidate("DL4J LSTM", network(new LSTM.Builder().nIn(input).nOut(hidden)
                        .activation(Activation.TANH).build())),
                new Candidate("seqzoo GRU", network(new GRU.Builder().nIn(input).nOut(hidden).build())),
                new Candidate("seqzoo GRU (reset-before)", network(new GRU.Builder().nIn(input).nOut(hidden)
                        .resetAfter(false).build())));
        Nd4j.getRandom().setSeed(7);
        INDArray features = Nd4j.rand(DataType.FLOAT, batch, input, steps);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, classes, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                labels.putScalar(b, (b * 31 + t * 7) % classes, t, 1.0);
            }
        }
        DataSet data = new DataSet(features, labels);

        Map<String, double[]> train = time(candidates, c -> c.net().fit(data));
        Map<String, double[]> infer = time(candidates, c -> c.net().output(features));
        report("training step (forward + backward + Adam update)", train);
        report("inference (forward only)", infer);
        return 0;
    }

    private MultiLayerNetwork network(Layer recurrent) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).updater(new Adam(1e-3)).list()
                .layer(recurrent)
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(hidden).nOut(classes).dataFormat(RNNFormat.NCW).build())
                .build());
        net.init();
        return net;
    }

    /** Milliseconds per iteration, one entry per round, per candidate. */
    private Map<String, double[]> time(List<Candidate> candidates, java.util.function.Consumer<Candidate> work) {
        for (Candidate c : candidates) {
            for (int i = 0; i < warmup; i++) {
                work.accept(c);
            }
        }
        Map<String, double[]> perRound = new LinkedHashMap<>();
        candidates.forEach(c -> perRound.put(c.name(), new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (Candidate c : candidates) {
                long start = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    work.accept(c);
                }
                perRound.get(c.name())[r] = (System.nanoTime() - start) / 1e6 / iterations;
            }
        }
        return perRound;
    }

    private void report(String title, Map<String, double[]> perRound) {
        System.out.println(title + ":");
        System.out.printf(Locale.ROOT, "  %-28s %12s %12s %12s %10s%n", "model", "median ms", "min ms",
                "tokens/s", "vs LSTM");
        double baseline = median(perRound.values().iterator().next());
        List<String> lines = new ArrayList<>();
        perRound.forEach((name, ms) -> {
            double med = median(ms);
            lines.add(String.format(Locale.ROOT, "  %-28s %12.2f %12.2f %12.0f %9.2fx", name, med,
                    Arrays.stream(ms).min().orElse(Double.NaN), batch * steps / (med / 1000.0), baseline / med));
        });
        lines.forEach(System.out::println);
        System.out.println();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
