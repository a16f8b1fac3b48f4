package org.seqzoo.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Hand-written batch: ids a=4 b=5 c=6, pairs (a b c -> b) and (c -> a c b). */
class PairVectorizerTest {

    private static final List<EncodedPair> BATCH = List.of(
            new EncodedPair(new int[] {4, 5, 6}, new int[] {5}),
            new EncodedPair(new int[] {6}, new int[] {4, 6, 5}));

    private static float[][][] to3d(INDArray array) {
        long[] shape = array.shape();
        float[][][] out = new float[(int) shape[0]][(int) shape[1]][(int) shape[2]];
        for (int i = 0; i < shape[0]; i++) {
            for (int j = 0; j < shape[1]; j++) {
                for (int k = 0; k < shape[2]; k++) {
                    out[i][j][k] = array.getFloat(i, j, k);
                }
            }
        }
        return out;
    }

    @Test
    void indicesLayoutWithBosEosShiftAndMasks() {
        MultiDataSet batch = new PairVectorizer(LabelFormat.INDICES, 7, false).vectorize(BATCH);
        assertEquals(2, batch.getFeatures().length);
        assertEquals(1, batch.getLabels().length);
        assertEquals(DataType.FLOAT, batch.getFeatures(0).dataType());
        assertArrayEquals(new long[] {2, 1, 3}, batch.getFeatures(0).shape());
        assertArrayEquals(new long[] {2, 1, 4}, batch.getFeatures(1).shape());
        assertArrayEquals(new long[] {2, 1, 4}, batch.getLabels(0).shape());
        assertArrayEquals(new float[][][] {{{4, 5, 6}}, {{6, 0, 0}}}, to3d(batch.getFeatures(0)));
        assertArrayEquals(new float[][][] {{{2, 5, 0, 0}}, {{2, 4, 6, 5}}}, to3d(batch.getFeatures(1)));
        assertArrayEquals(new float[][][] {{{5, 3, 0, 0}}, {{4, 6, 5, 3}}}, to3d(batch.getLabels(0)));
        assertArrayEquals(new float[][] {{1, 1, 1}, {1, 0, 0}}, batch.getFeaturesMaskArray(0).toFloatMatrix());
        assertArrayEquals(new float[][] {{1, 1, 0, 0}, {1, 1, 1, 1}}, batch.getFeaturesMaskArray(1).toFloatMatrix());
        assertArrayEquals(new float[][] {{1, 1, 0, 0}, {1, 1, 1, 1}}, batch.getLabelsMaskArray(0).toFloatMatrix());
        assertNotSame(batch.getFeaturesMaskArray(1), batch.getLabelsMaskArray(0));
    }

    @Test
    void reversalReversesRealTokensOnly() {
        MultiDataSet batch = new PairVectorizer(LabelFormat.INDICES, 7, true).vectorize(BATCH);
        assertArrayEquals(new float[][][] {{{6, 5, 4}}, {{6, 0, 0}}}, to3d(batch.getFeatures(0)));
        assertArrayEquals(new float[][] {{1, 1, 1}, {1, 0, 0}}, batch.getFeaturesMaskArray(0).toFloatMatrix());
        assertArrayEquals(new float[][][] {{{2, 5, 0, 0}}, {{2, 4, 6, 5}}}, to3d(batch.getFeatures(1)));
    }

    @Test
    void oneHotLabels() {
        MultiDataSet batch = new PairVectorizer(LabelFormat.ONE_HOT, 7, false).vectorize(BATCH);
        INDArray labels = batch.getLabels(0);
        assertArrayEquals(new long[] {2, 7, 4}, labels.shape());
        int[][] expected = {{5, 3, -1, -1}, {4, 6, 5, 3}};
        for (int i = 0; i < 2; i++) {
            for (int t = 0; t < 4; t++) {
                for (int v = 0; v < 7; v++) {
                    assertEquals(v == expected[i][t] ? 1f : 0f, labels.getFloat(i, v, t), "pair " + i + " step " + t);
                }
            }
        }
    }

    @Test
    void paddingCountsRealPositionsAgainstSlots() {
        PaddingStats padding = PairVectorizer.padding(BATCH);
        assertEquals(3 + 2 + 1 + 4, padding.tokens());
        assertEquals(2 * (3 + 4), padding.slots());
        assertEquals(1 - 10.0 / 14, padding.paddedFraction(), 1e-12);
    }
}
