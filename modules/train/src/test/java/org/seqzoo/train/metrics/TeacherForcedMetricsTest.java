package org.seqzoo.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TeacherForcedMetricsTest {

    /** B = 2, V = 3, T = 3: column t of row b is the distribution at step t. */
    private static INDArray probabilities() {
        INDArray p = Nd4j.create(DataType.FLOAT, 2, 3, 3);
        double[][][] columns = {
                {{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}},
                {{0.5, 0.25, 0.25}, {0.2, 0.2, 0.6}, {1.0, 0.0, 0.0}}};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                for (int v = 0; v < 3; v++) {
                    p.putScalar(new int[] {b, v, t}, columns[b][t][v]);
                }
            }
        }
        return p;
    }

    private static final double[][] TARGETS = {{0, 2, 2}, {1, 2, 0}};
    private static final double[][] MASK = {{1, 1, 1}, {1, 1, 0}};

    @Test
    void sumsOverRealTokensOnly() {
        TeacherForcedMetrics metrics = new TeacherForcedMetrics();
        metrics.add(probabilities(), Nd4j.create(TARGETS).reshape(2, 1, 3), Nd4j.create(MASK));

        // Real tokens: P = 0.7 (argmax right), 0.1 (wrong), 0.4 (right), 0.25 (wrong), 0.6 (right); the last is padding.
        double nll = -(Math.log(0.7) + Math.log(0.1) + Math.log(0.4) + Math.log(0.25) + Math.log(0.6));
        assertEquals(5, metrics.tokens());
        assertEquals(nll / 5, metrics.meanNegativeLogLikelihood(), 1e-6);
        assertEquals(Math.exp(nll / 5), metrics.perplexity(), 1e-5);
        assertEquals(3.0 / 5, metrics.tokenAccuracy(), 1e-12);
    }

    @Test
    void oneHotLabelsGiveTheSameResultAsIds() {
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 2, 3, 3);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                oneHot.putScalar(new int[] {b, (int) TARGETS[b][t], t}, 1.0);
            }
        }
        TeacherForcedMetrics ids = new TeacherForcedMetrics();
        TeacherForcedMetrics hot = new TeacherForcedMetrics();
        ids.add(probabilities(), Nd4j.create(TARGETS).reshape(2, 1, 3), Nd4j.create(MASK));
        hot.add(probabilities(), oneHot, Nd4j.create(MASK));
        assertEquals(ids.meanNegativeLogLikelihood(), hot.meanNegativeLogLikelihood(), 1e-12);
        assertEquals(ids.tokenAccuracy(), hot.tokenAccuracy(), 1e-12);
    }

    @Test
    void accumulatesAcrossBatchesAndFloorsZeroProbabilities() {
        TeacherForcedMetrics metrics = new TeacherForcedMetrics();
        metrics.add(probabilities(), Nd4j.create(TARGETS).reshape(2, 1, 3), null);
        // Without a mask the last step counts: target 0 with P = 1 (right, NLL 0).
        assertEquals(6, metrics.tokens());
        INDArray certain = probabilities().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)).dup();
        metrics.add(certain, Nd4j.create(new double[][] {{1, 2, 1}}).reshape(1, 1, 3), null);
        // Target 1 at step 2 has P = 0: floored to 1e-10, so NLL is finite.
        assertEquals(9, metrics.tokens());
        assertTrue(Double.isFinite(metrics.meanNegativeLogLikelihood()));
        assertTrue(metrics.meanNegativeLogLikelihood() > -Math.log(1e-10) / 9);
    }

    @Test
    void emptyMetricsAreNaN() {
        TeacherForcedMetrics metrics = new TeacherForcedMetrics();
        assertTrue(Double.isNaN(metrics.perplexity()));
        assertTrue(Double.isNaN(metrics.tokenAccuracy()));
    }

    @Test
    void badShapesAndIdsAreNamed() {
        TeacherForcedMetrics metrics = new TeacherForcedMetrics();
        INDArray labels = Nd4j.create(TARGETS).reshape(2, 1, 3);
        String shape = assertThrows(IllegalArgumentException.class,
                () -> metrics.add(probabilities(), Nd4j.zeros(2, 1, 4), null)).getMessage();
        assertTrue(shape.contains("[2, 1, 4]"), shape);
        String mask = assertThrows(IllegalArgumentException.class,
                () -> metrics.add(probabilities(), labels, Nd4j.ones(2, 4))).getMessage();
        assertTrue(mask.contains("label mask"), mask);
        String id = assertThrows(IllegalArgumentException.class,
                () -> metrics.add(probabilities(), Nd4j.create(new double[][] {{0, 5, 2}, {1, 2, 0}}).reshape(2, 1, 3), null))
                .getMessage();
        assertTrue(id.contains("5.0 at [0, 1]"), id);
    }
}
