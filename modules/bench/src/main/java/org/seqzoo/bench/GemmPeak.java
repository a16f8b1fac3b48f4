package org.seqzoo.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.FloatGemm;
import org.seqzoo.models.cpu.Nd4jThreads;
import org.seqzoo.models.rnn.Blocks;

/**
 * The machine's matrix-multiply peak as seqzoo reaches it: GFLOP/s of a large square SGEMM ({@value #SIZE}²,
 * best of several) through {@link Blocks#mmul}, as seqzoo's kernels call it (ND4J's own {@code mmul} reached ~85
 * instead of ~125 GFLOP/s on one thread here), with a given number of threads and float32 product
 * ({@link FloatGemm}: oneDNN or OpenBLAS).
 * The benchmark reports each model's achieved GFLOP/s against it.
 */
final class GemmPeak {

    static final int SIZE = 1024;
    private static final int REPEATS = 8;

    private GemmPeak() {
    }

    /**
     * Best GFLOP/s of {@code C = A·B} with {@code blasThreads} threads and the given float32 product; restores the
     * threads and the product after.
     */
    static double measure(int blasThreads, FloatGemm.Backend backend) {
        Nd4jThreads.Setting before = Nd4jThreads.current();
        FloatGemm.Backend backendBefore = FloatGemm.backend();
        Nd4jThreads.set(new Nd4jThreads.Setting(before.ops(), blasThreads));
        FloatGemm.use(backend);
        try {
            Nd4j.getRandom().setSeed(3);
            INDArray a = Nd4j.rand(DataType.FLOAT, SIZE, SIZE);
            INDArray b = Nd4j.rand(DataType.FLOAT, SIZE, SIZE);
            INDArray c = Nd4j.create(DataType.FLOAT, SIZE, SIZE);
            Blocks.mmul(a, b, c, false, false, 0.0);
            double bestNanos = Double.MAX_VALUE;
            for (int i = 0; i < REPEATS; i++) {
                long start = System.nanoTime();
                Blocks.mmul(a, b, c, false, false, 0.0);
                bestNanos = Math.min(bestNanos, System.nanoTime() - start);
            }
            return 2.0 * SIZE * SIZE * SIZE / bestNanos;
        } finally {
            Nd4jThreads.set(before);
            FloatGemm.use(backendBefore);
        }
    }
}
