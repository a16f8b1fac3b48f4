package org.seqzoo.bench;

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
 */
record InterleavedTimer(int warmup, int rounds, int iterations) {

    InterleavedTimer {
        if (warmup < 0 || rounds < 1 || iterations < 1) {
            throw new IllegalArgumentException("need warmup >= 0, rounds >= 1, iterations >= 1, got " + this);
        }
    }

    /** Milliseconds per iteration, one entry per round, for each model (in the given order). */
    Map<BenchModel, double[]> time(List<BenchModel> models, Consumer<BenchModel> work) {
        for (BenchModel model : models) {
            for (int i = 0; i < warmup; i++) {
                work.accept(model);
            }
        }
        Map<BenchModel, double[]> perRound = new LinkedHashMap<>();
        models.forEach(m -> perRound.put(m, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (BenchModel model : models) {
                work.accept(model);
                long start = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    work.accept(model);
                }
                perRound.get(model)[r] = (System.nanoTime() - start) / 1e6 / iterations;
            }
        }
        return perRound;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
