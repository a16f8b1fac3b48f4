package org.seqzoo.train.metrics;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Teacher-forced metrics accumulated over batches: the decoder's output distribution {@code P(y_t)} of shape
 * {@code [B, V, T]} against the target ids {@code [B, 1, T]} (or one-hot targets {@code [B, V, T]}), with a
 * label mask {@code [B, T]} (1 = real token, 0 = padding; {@code null} = all real). Padding counts nowhere.
 *
 * <p>Sums, over real tokens: the negative log-likelihood {@code -ln P(y_t)}, the number of tokens and the
 * number whose argmax prediction is the target. Probabilities are floored at {@value #PROBABILITY_FLOOR}, as
 * DL4J's {@code LossMCXENT} clips softmax output, so one zero probability gives a large but finite NLL.
 * The per-token mean is what perplexity needs; DL4J's own score divides by the batch size instead.
 * Not thread-safe.
 */
public final class TeacherForcedMetrics {

    /** The smallest probability used in {@code -ln P}. */
    public static final double PROBABILITY_FLOOR = 1e-10;

    private double negativeLogLikelihood;
    private long tokens;
    private long correct;

    /**
     * Adds one batch.
     *
     * @param probabilities {@code [B, V, T]}, each column a distribution over the vocabulary
     * @param labels        target ids {@code [B, 1, T]} or one-hot targets {@code [B, V, T]}
     * @param labelMask     {@code [B, T]} of 0/1, or {@code null} when every step is real
     */
    public void add(INDArray probabilities, INDArray labels, INDArray labelMask) {
        if (probabilities.rank() != 3) {
            throw new IllegalArgumentException("probabilities must be [B, V, T]; got shape "
                    + Arrays.toString(probabilities.shape()));
        }
        int batch = (int) probabilities.size(0);
        int vocabulary = (int) probabilities.size(1);
        int steps = (int) probabilities.size(2);
        double[][] mask = mask(labelMask, batch, steps);
        int[][] targets = targetIds(labels, mask, batch, vocabulary, steps);
        long[][] predicted = probabilities.argMax(1).reshape(batch, steps).toLongMatrix();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                if (mask[b][t] == 0) {
                    continue;
                }
                int target = targets[b][t];
                double p = probabilities.getDouble(b, target, t);
                negativeLogLikelihood -= Math.log(Math.max(p, PROBABILITY_FLOOR));
                tokens++;
                if (predicted[b][t] == target) {
                    correct++;
                }
            }
        }
    }

    /** Real (unmasked) target tokens seen. */
    public long tokens() {
        return tokens;
    }

    /** Mean {@code -ln P(y_t)} per real token (NaN before any token). */
    public double meanNegativeLogLikelihood() {
        return negativeLogLikelihood / tokens;
    }

    /** {@code exp(mean NLL)} (NaN before any token). */
    public double perplexity() {
        return Math.exp(meanNegativeLogLikelihood());
    }

    /** Fraction of real tokens, 0..1, whose most probable prediction is the target (NaN before any token). */
    public double tokenAccuracy() {
        return (double) correct / tokens;
    }

    /** Target ids {@code [B][T]}, checked at real steps. */
    private static int[][] targetIds(INDArray labels, double[][] mask, int batch, int vocabulary, int steps) {
        long[] shape = labels.shape();
        boolean ids = Arrays.equals(shape, new long[] {batch, 1, steps});
        boolean oneHot = Arrays.equals(shape, new long[] {batch, vocabulary, steps});
        if (!ids && !oneHot) {
            throw new IllegalArgumentException("labels must be ids [" + batch + ", 1, " + steps + "] or one-hot ["
                    + batch + ", " + vocabulary + ", " + steps + "] to match probabilities [B, V, T]; got shape "
                    + Arrays.toString(shape));
        }
        double[][] values = (ids ? labels : labels.argMax(1)).castTo(DataType.DOUBLE).reshape(batch, steps).toDoubleMatrix();
        int[][] targets = new int[batch][steps];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                if (mask[b][t] == 0) {
                    continue;
                }
                double id = values[b][t];
                if (id != Math.rint(id) || id < 0 || id >= vocabulary) {
                    throw new IllegalArgumentException("label id " + id + " at [" + b + ", " + t
                            + "] is not a token id of a vocabulary of " + vocabulary);
                }
                targets[b][t] = (int) id;
                if (oneHot && labels.getDouble(b, targets[b][t], t) != 1.0) {
                    throw new IllegalArgumentException("one-hot labels at [" + b + ", :, " + t
                            + "] have largest value " + labels.getDouble(b, targets[b][t], t) + ", not 1");
                }
            }
        }
        return targets;
    }

    private static double[][] mask(INDArray labelMask, int batch, int steps) {
        if (labelMask == null) {
            double[][] all = new double[batch][steps];
            for (double[] row : all) {
                Arrays.fill(row, 1.0);
            }
            return all;
        }
        if (!Arrays.equals(labelMask.shape(), new long[] {batch, steps})) {
            throw new IllegalArgumentException("label mask must be [B, T] = [" + batch + ", " + steps + "]; got shape "
                    + Arrays.toString(labelMask.shape()));
        }
        double[][] mask = labelMask.toDoubleMatrix();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                if (mask[b][t] != 0 && mask[b][t] != 1) {
                    throw new IllegalArgumentException("label mask must hold 0 or 1; got " + mask[b][t]
                            + " at [" + b + ", " + t + "]");
                }
            }
        }
        return mask;
    }
}
