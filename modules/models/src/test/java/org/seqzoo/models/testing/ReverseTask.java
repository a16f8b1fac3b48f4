package org.seqzoo.models.testing;

import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches of the "reverse" sanity task for model tests (the models module cannot use the data module):
 * source = random symbols, target = the same reversed; ids as in DESIGN.md (specials 0–3, symbols from 4),
 * features {@code [source [B,1,Ts], decoder input <s> y [B,1,Tt]]}, labels {@code y </s>} as indices
 * {@code [B,1,Tt]}, left-aligned masks.
 */
public final class ReverseTask {

    public static final int SYMBOLS = 8;
    public static final int VOCABULARY = 4 + SYMBOLS;

    private final Random random;
    private final int minLength;
    private final int maxLength;

    public ReverseTask(long seed, int minLength, int maxLength) {
        this.random = new Random(seed);
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /** A batch of {@code size} random examples. */
    public MultiDataSet batch(int size) {
        int[][] sources = new int[size][];
        for (int b = 0; b < size; b++) {
            sources[b] = new int[minLength + random.nextInt(maxLength - minLength + 1)];
            for (int t = 0; t < sources[b].length; t++) {
                sources[b][t] = 4 + random.nextInt(SYMBOLS);
            }
        }
        return batch(sources);
    }

    /** A batch of the given sources (symbol ids ≥ 4). */
    public static MultiDataSet batch(int[][] sources) {
        int size = sources.length;
        int ts = 0;
        for (int[] s : sources) {
            ts = Math.max(ts, s.length);
        }
        int tt = ts + 1;
        INDArray src = Nd4j.zeros(DataType.FLOAT, size, 1, ts);
        INDArray srcMask = Nd4j.zeros(DataType.FLOAT, size, ts);
        INDArray dec = Nd4j.zeros(DataType.FLOAT, size, 1, tt);
        INDArray lab = Nd4j.zeros(DataType.FLOAT, size, 1, tt);
        INDArray tgtMask = Nd4j.zeros(DataType.FLOAT, size, tt);
        for (int b = 0; b < size; b++) {
            int n = sources[b].length;
            dec.putScalar(b, 0, 0, 2);
            for (int t = 0; t < n; t++) {
                src.putScalar(b, 0, t, sources[b][t]);
                srcMask.putScalar(b, t, 1);
                int y = sources[b][n - 1 - t];
                lab.putScalar(b, 0, t, y);
                dec.putScalar(b, 0, t + 1, y);
            }
            lab.putScalar(b, 0, n, 3);
            for (int t = 0; t <= n; t++) {
                tgtMask.putScalar(b, t, 1);
            }
        }
        return new MultiDataSet(new INDArray[] {src, dec}, new INDArray[] {lab}, new INDArray[] {srcMask, tgtMask},
                new INDArray[] {tgtMask});
    }

    /** The expected output (source reversed) of row {@code b}. */
    public static int[] expected(MultiDataSet batch, int b) {
        INDArray mask = batch.getFeaturesMaskArray(0);
        int n = (int) mask.getRow(b).sumNumber().doubleValue();
        int[] out = new int[n];
        for (int t = 0; t < n; t++) {
            out[t] = batch.getFeatures(0).getInt(b, 0, n - 1 - t);
        }
        return out;
    }
}
