package org.seqzoo.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.Nd4jThreads;

/**
 * The machine's matrix-multiply peak as ND4J reaches it: GFLOP/s of a large square SGEMM ({@value #SIZE}²,
 * best of several) with a given number of OpenBLAS threads. The benchmark reports each model's achieved
 * GFLOP/s against it.
 */
final class GemmPeak {

    static final int SIZE = 1024;
    private static final int REPEATS = 8;

    private GemmPeak() {
    }

    /** Best GFLOP/s of {@code C = A·B} with {@code blasThreads} OpenBLAS threads; restores the threads after. */
    static double measure(int blasThreads) {
        Nd4jThreads.Setting before = Nd4jThreads.current();
        Nd4jThreads.set(new Nd4jThreads.Setting(before.ops(), blasThreads));
        try {
            Nd4j.getRandom().setSeed(3);
            INDArray a = Nd4j.rand(DataType.FLOAT, SIZE, SIZE);
            INDArray b = Nd4j.rand(DataType.FLOAT, SIZE, SIZE);
            INDArray c = Nd4j.create(DataType.FLOAT, SIZE, SIZE);
            a.mmul(b, c);
            double bestNanos = Double.MAX_VALUE;
            for (int i = 0; i < REPEATS; i++) {
                long start = System.nanoTime();
                a.mmul(b, c);
                bestNanos = Math.min(bestNanos, System.nanoTime() - start);
            }
            return 2.0 * SIZE * SIZE * SIZE / bestNanos;
        } finally {
            Nd4jThreads.set(before);
        }
    }
}
