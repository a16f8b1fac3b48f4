package org.seqzoo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Times a piece of work on several models fairly. Warm-up runs the models in turn, one iteration each per round, at
 * least {@code warmup} rounds and then until a round in which the JIT compilers were quiet
 * ({@link #QUIET_COMPILATION_SHARE}; at most {@link #MAX_WARMUP_ROUNDS} rounds): seqzoo's loops are compiled again
 * when the work changes (training's branches were never taken by inference, and the reverse), and a C2 compilation
 * holds one of two cores for 100–350 ms, which a fixed count of 5 iterations per model left to fall into the timed passes of
 * whichever model came next. Then rounds run the models in turn (so drifts in machine load hit all of them alike),
 * each round timing a few iterations per model after one untimed iteration. That one absorbs the cold start after
 * the other models ran (caches, parked threads): in one process, an LSTM inference pass right after the other
 * framework's took ~3 ms longer than the next ones for seqzoo and ~1.5 ms for PyTorch, which in rounds of 5 moved
 * the figures by 3–6 % depending on which model a model happened to follow. The figures are steady-state
 * throughput, as in a training or inference loop.
 *
 * <p>Each timed iteration is also kept as a {@link Sample} with the JVM's compilation and collection time during it
 * (read outside the timed interval), so that a run can show where its spread comes from.
 */
record InterleavedTimer(int warmup, int rounds, int iterations, JvmActivity jvm) {

    /**
     * A warm-up round whose JIT compilation took less than this share of its time, or less than
     * {@link #QUIET_COMPILATION_MS}, ends the warm-up: small compilations go on for long (in a full run's training
     * rounds, DL4J's LSTM and the seq2seq model kept the compilers at ~3 % after 40 rounds); the ones that matter
     * take 100 ms or more.
     */
    static final double QUIET_COMPILATION_SHARE = 0.02;

    /** See {@link #QUIET_COMPILATION_SHARE}. */
    static final long QUIET_COMPILATION_MS = 5;

    /** Warm-up rounds at most, whatever the compilers do. */
    static final int MAX_WARMUP_ROUNDS = 40;

    /**
     * One timed iteration: which model, round and iteration, when it started (ms since the rounds began), its ms, and
     * the ms of JIT compilation and garbage collection the JVM reported during it.
     */
    record Sample(String model, int round, int iteration, double startMs, double ms, long compilationMs,
                  long collectionMs) {
    }

    /**
     * Milliseconds per iteration, one entry per round, for each model (in the given order), every sample, and the
     * warm-up rounds that ran.
     */
    record Timings(Map<BenchModel, double[]> perRound, List<Sample> samples, int warmupRounds) {
    }

    InterleavedTimer(int warmup, int rounds, int iterations) {
        this(warmup, rounds, iterations, JvmActivity.current());
    }

    InterleavedTimer {
        if (warmup < 0 || warmup > MAX_WARMUP_ROUNDS || rounds < 1 || iterations < 1) {
            throw new IllegalArgumentException("need 0 <= warmup <= " + MAX_WARMUP_ROUNDS
                    + ", rounds >= 1, iterations >= 1, got warmup=" + warmup + " rounds=" + rounds
                    + " iterations=" + iterations);
        }
    }

    /** Times {@code work} on each model: warm-up rounds, then {@code rounds} interleaved rounds. */
    Timings time(List<BenchModel> models, Consumer<BenchModel> work) {
        int warmupRounds = warmUp(models, work);
        Map<BenchModel, double[]> perRound = new LinkedHashMap<>();
        models.forEach(m -> perRound.put(m, new double[rounds]));
        List<Sample> samples = new ArrayList<>();
        long origin = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (BenchModel model : models) {
                work.accept(model);
                double roundMs = 0;
                for (int i = 0; i < iterations; i++) {
                    long compiledBefore = jvm.compilationMs();
                    long collectedBefore = jvm.collectionMs();
                    long start = System.nanoTime();
                    work.accept(model);
                    long end = System.nanoTime();
                    double ms = (end - start) / 1e6;
                    samples.add(new Sample(model.name(), r, i, (start - origin) / 1e6, ms,
                            jvm.compilationMs() - compiledBefore, jvm.collectionMs() - collectedBefore));
                    roundMs += ms;
                }
                perRound.get(model)[r] = roundMs / iterations;
            }
        }
        return new Timings(perRound, samples, warmupRounds);
    }

    /** Runs warm-up rounds (none if {@code warmup} is 0) and returns how many. */
    private int warmUp(List<BenchModel> models, Consumer<BenchModel> work) {
        int done = 0;
        boolean quiet = false;
        while (done < warmup || (warmup > 0 && !quiet && done < MAX_WARMUP_ROUNDS)) {
            long compiledBefore = jvm.compilationMs();
            long start = System.nanoTime();
            models.forEach(work);
            double roundMs = (System.nanoTime() - start) / 1e6;
            long compiled = jvm.compilationMs() - compiledBefore;
            quiet = compiled < Math.max(QUIET_COMPILATION_MS, QUIET_COMPILATION_SHARE * roundMs);
            done++;
        }
        return done;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
