package org.seqzoo.bench;

import java.util.Locale;

import org.nd4j.linalg.factory.Nd4j;

/** The facts a benchmark figure depends on: cores, thread settings, ND4J backend. Printed with every run. */
final class BenchEnvironment {

    private BenchEnvironment() {
    }

    static String describe() {
        String omp = System.getenv("OMP_NUM_THREADS");
        return String.format(Locale.ROOT,
                "environment: %d cores, OMP_NUM_THREADS=%s, ND4J maxThreads=%d maxMasterThreads=%d, backend=%s, java %s",
                Runtime.getRuntime().availableProcessors(), omp == null ? "(unset)" : omp,
                Nd4j.getEnvironment().maxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                Nd4j.getExecutioner().getClass().getSimpleName(), System.getProperty("java.version"));
    }
}
