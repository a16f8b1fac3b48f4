package org.seqzoo.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.seq2seq.BeamSearch;
import org.seqzoo.models.seq2seq.GreedyDecoding;
import org.seqzoo.models.seq2seq.Hypothesis;
import org.seqzoo.models.seq2seq.Seq2SeqDecoder;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqPresets;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./seqzoo bench decode}: decoding cost of a seq2seq model (default preset, random weights — the cost
 * does not depend on what was learned). (1) Time per generated token for output lengths 10, 20 and 40 with
 * seqzoo's incremental decoder, beside the naive baseline that re-runs the whole graph on the prefix at every
 * step: incremental stays flat, the baseline grows with the length. (2) Greedy against beam-5 throughput.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode time per token for output lengths 10/20/40 (incremental vs re-running the prefix), "
                + "and greedy vs beam-5 throughput.")
final class DecodeBench implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = Seq2SeqPresets.DEFAULT, description = "Model preset (default ${DEFAULT-VALUE}).")
    String preset;
    @Option(names = "--vocabulary", defaultValue = "2000", description = "Source and target vocabulary size (default ${DEFAULT-VALUE}).")
    int vocabulary;
    @Option(names = "--batch", defaultValue = "32", description = "Sentences decoded together (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--source-length", defaultValue = "20", description = "Source tokens (default ${DEFAULT-VALUE}).")
    int sourceLength;
    @Option(names = "--repeats", defaultValue = "3", description = "Timed repetitions, median reported (default ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        System.out.println(BenchEnvironment.describe());
        Seq2SeqSpec spec = Seq2SeqPresets.builder(preset, vocabulary, vocabulary).build();
        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
        Seq2SeqDecoder decoder = new Seq2SeqDecoder(graph, spec);
        Nd4j.getRandom().setSeed(5);
        INDArray source = Nd4j.rand(DataType.FLOAT, batch, 1, sourceLength).muli(vocabulary - 4).addi(4);
        source = Nd4j.math().floor(source);
        System.out.printf(Locale.ROOT, "model %s (hidden %d, attention %s), vocabulary %d, batch %d, source length %d%n%n",
                preset, spec.hiddenSize(), spec.attention(), vocabulary, batch, sourceLength);

        System.out.println("time per generated token (ms, whole batch), incremental vs re-running the prefix:");
        System.out.printf(Locale.ROOT, "  %-8s %16s %16s %10s%n", "length", "incremental", "re-run prefix", "ratio");
        for (int length : new int[] {10, 20, 40}) {
            INDArray src = source;
            double incremental = median(() -> incremental(decoder, src, length)) / length;
            double rerun = median(() -> rerunPrefix(graph, src, length)) / length;
            System.out.printf(Locale.ROOT, "  %-8d %16.3f %16.3f %9.1fx%n", length, incremental, rerun, rerun / incremental);
        }

        System.out.println();
        System.out.println("throughput, output length limit 20:");
        INDArray src = source;
        double greedy = median(() -> {
            List<Hypothesis> out = GreedyDecoding.decode(decoder, src, null, 20);
            return out.size();
        });
        double beam = median(() -> BeamSearch.decode(decoder, src, null, new BeamSearch.Settings(5, 20, 0.6, 1)).size());
        System.out.printf(Locale.ROOT, "  greedy: %8.1f ms per batch, %8.1f sentences/s%n", greedy, batch / (greedy / 1000));
        System.out.printf(Locale.ROOT, "  beam-5: %8.1f ms per batch, %8.1f sentences/s (%.1fx greedy's time)%n", beam,
                batch / (beam / 1000), beam / greedy);
        return 0;
    }

    /** Exactly {@code length} incremental steps (no early stop), ms. */
    private static double incremental(Seq2SeqDecoder decoder, INDArray source, int length) {
        long start = System.nanoTime();
        Seq2SeqDecoder.State state = decoder.start(decoder.encode(source, null));
        int[] previous = new int[(int) source.size(0)];
        Arrays.fill(previous, GreedyDecoding.BOS);
        for (int t = 0; t < length; t++) {
            INDArray logP = decoder.step(state, previous);
            previous = logP.argMax(1).toIntVector();
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** The naive way: at step t run the whole graph on the prefix of t tokens and take the last step, ms. */
    private static double rerunPrefix(ComputationGraph graph, INDArray source, int length) {
        long start = System.nanoTime();
        long batch = source.size(0);
        INDArray prefix = Nd4j.valueArrayOf(new long[] {batch, 1, 1}, GreedyDecoding.BOS, DataType.FLOAT);
        for (int t = 0; t < length; t++) {
            INDArray probabilities = graph.output(false, new INDArray[] {source, prefix}, null, null)[0];
            INDArray last = probabilities.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(t));
            INDArray next = last.argMax(1).castTo(DataType.FLOAT).reshape(batch, 1, 1);
            prefix = Nd4j.concat(2, prefix, next);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Median wall time (ms) of {@code repeats} runs after one warm-up. */
    private double median(java.util.function.DoubleSupplier timedMs) {
        timedMs.getAsDouble();
        double[] times = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            times[i] = timedMs.getAsDouble();
        }
        Arrays.sort(times);
        return times[repeats / 2];
    }

    private double median(java.util.function.IntSupplier work) {
        return median(() -> {
            long start = System.nanoTime();
            work.getAsInt();
            return (System.nanoTime() - start) / 1e6;
        });
    }
}
