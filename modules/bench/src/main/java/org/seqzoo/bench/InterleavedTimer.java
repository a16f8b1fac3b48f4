package org.seqzoo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Times a piece of work on several models fairly: each model is warmed up, then rounds run the models in
 * turn (so drifts in machine load hit all of them alike), each round timing a few iterations per model after one
 * untimed iteration. That one absorbs the cold start after the other models ran (caches, parked threads): in one
 * process, an LSTM inference pass right after the other framework's took ~3 ms longer than the next ones for
 * seqzoo and ~1.5 ms for PyTorch, which in rounds of 5 moved the figures by 3–6 % depending on which model a
 * model happened to follow. The figures are steady-state throughput, as in a training or inference loop.
 *
 * <p>Each timed iteration is also kept as a {@link Sample}, so that a run can show where its spread comes from
 * (e.g. slow first passes of a round while the JIT compilers still work).
 */
record InterleavedTimer(int warmup, int rounds, int iterations) {

    /** One timed iteration: which model, round and iteration, when it started (ms since the rounds began), its ms. */
    record Sample(String model, int round, int iteration, double startMs, double ms) {
    }

    /** Milliseconds per iteration, one entry per round, for each model (in the given order), and every sample. */
    record Timings(Map<BenchModel, double[]> perRound, List<Sample> samples) {
    }

    InterleavedTimer {
        if (warmup < 0 || rounds < 1 || iterations < 1) {
            throw new IllegalArgumentException("need warmup >= 0, rounds >= 1, iterations >= 1, got " + this);
        }
    }

    /** Times {@code work} on each model: warm-up, then {@code rounds} interleaved rounds. */
    Timings time(List<BenchModel> models, Consumer<BenchModel> work) {
        for (BenchModel model : models) {
            for (int i = 0; i < warmup; i++) {
                work.accept(model);
            }
        }
        Map<BenchModel, double[]> perRound = new LinkedHashMap<>();
        models.forEach(m -> perRound.put(m, new double[rounds]));
        List<Sample> samples = new ArrayList<>();
        long origin = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (BenchModel model : models) {
                work.accept(model);
                long start = System.nanoTime();
                long iterationStart = start;
                for (int i = 0; i < iterations; i++) {
                    work.accept(model);
                    long end = System.nanoTime();
                    samples.add(new Sample(model.name(), r, i, (iterationStart - origin) / 1e6,
                            (end - iterationStart) / 1e6));
                    iterationStart = end;
                }
                perRound.get(model)[r] = (iterationStart - start) / 1e6 / iterations;
            }
        }
        return new Timings(perRound, samples);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
