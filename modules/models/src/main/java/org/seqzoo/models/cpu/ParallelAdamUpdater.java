package org.seqzoo.models.cpu;

import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;

/**
 * The updater of {@link ParallelAdam}: the Adam step of {@link AdamUpdater} (same state arrays, same formula, see
 * {@link ParallelAdam}) on float32 parameters in blocks of {@value #BLOCK} copied to {@code float[]} and computed in
 * float, as ND4J's op computes for float32 (a loop the JIT vectorises, 16 lanes with AVX-512), split over
 * {@link KernelThreads}. Double-precision parameters (gradient checks) and arrays that are not dense go to
 * {@link AdamUpdater}'s ND4J op.
 */
final class ParallelAdamUpdater extends AdamUpdater {

    /** Parameters a loop block holds. */
    static final int BLOCK = 4096;
    /**
     * One parameter's update in FLOPs, for {@link KernelThreads#partsForWork}: splitting starts at about a
     * million parameters (~1.7 ms on one thread); at 275k a second thread made it slower (0.49 → 0.60 ms).
     */
    private static final double FLOPS_PER_PARAMETER = 10;
    /** Per thread: a block of gradients, of {@code m} and of {@code v} (separate arrays: the loop vectorises). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][BLOCK]);

    private final ParallelAdam config;

    ParallelAdamUpdater(ParallelAdam config, Map<String, INDArray> state) {
        super(config);
        this.config = config;
        setState(state, false);
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        Map<String, INDArray> state = getState();
        INDArray m = state.get(M_STATE);
        INDArray v = state.get(V_STATE);
        if (m == null || v == null) {
            throw new IllegalStateException("Updater has not been initialized with view state");
        }
        if (!isDenseFloat(gradient) || !isDenseFloat(m) || !isDenseFloat(v) || m.length() != gradient.length()) {
            super.applyUpdater(gradient, iteration, epoch);
            return;
        }
        NativeArray g = NativeArray.of(gradient);
        NativeArray mm = NativeArray.of(m);
        NativeArray vv = NativeArray.of(v);
        int length = (int) gradient.length();
        float beta1 = (float) config.getBeta1();
        float beta2 = (float) config.getBeta2();
        float epsilon = (float) config.getEpsilon();
        double alpha = config.getLearningRate(iteration, epoch) * Math.sqrt(1.0 - Math.pow(beta2, iteration + 1))
                / (1.0 - Math.pow(beta1, iteration + 1));
        float stepSize = Double.isNaN(alpha) || Double.isInfinite(alpha) || alpha == 0.0
                ? epsilon // as ND4J's adam_updater op does
                : (float) alpha;
        int parts = KernelThreads.partsForWork(length / BLOCK + 1L, FLOPS_PER_PARAMETER * length);
        KernelThreads.run(parts, part -> {
            int from = (int) ((long) length * part / parts);
            int to = (int) ((long) length * (part + 1) / parts);
            float[][] blocks = SCRATCH.get();
            for (int first = from; first < to; first += BLOCK) {
                int count = Math.min(BLOCK, to - first);
                g.readFloats(first, blocks[0], 0, count);
                mm.readFloats(first, blocks[1], 0, count);
                vv.readFloats(first, blocks[2], 0, count);
                step(blocks[0], blocks[1], blocks[2], count, beta1, beta2, epsilon, stepSize);
                g.writeFloats(first, blocks[0], 0, count);
                mm.writeFloats(first, blocks[1], 0, count);
                vv.writeFloats(first, blocks[2], 0, count);
            }
        });
    }

    private static boolean isDenseFloat(INDArray array) {
        return array.dataType() == DataType.FLOAT && array.length() <= Integer.MAX_VALUE
                && (array.isVector() ? Math.abs(array.elementWiseStride()) == 1 : array.elementWiseStride() == 1);
    }

    /** One Adam step on a block: the gradients {@code g} are replaced by the updates; {@code m}, {@code v} updated. */
    private static void step(float[] g, float[] m, float[] v, int count, float beta1, float beta2, float epsilon,
                             float alpha) {
        for (int i = 0; i < count; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + gi * (1f - beta1);
            float vi = beta2 * v[i] + gi * gi * (1f - beta2);
            m[i] = mi;
            v[i] = vi;
            g[i] = mi * alpha / ((float) Math.sqrt(vi) + epsilon);
        }
    }
}
