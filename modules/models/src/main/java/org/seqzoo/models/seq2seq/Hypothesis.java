package org.seqzoo.models.seq2seq;

import java.util.Arrays;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One decoded output sequence: target token ids (without {@code <s>} and {@code </s>}), the summed
 * {@code log P} of the tokens chosen (including {@code </s>} when reached), the score a search ranks by, and
 * the attention weights {@code [steps, Ts]} of the steps taken, when the model attends.
 *
 * @param finished whether {@code </s>} was produced (else the length limit stopped it)
 */
public record Hypothesis(int[] tokens, double logProbability, double score, boolean finished,
                         Optional<INDArray> attention) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Hypothesis h && Arrays.equals(tokens, h.tokens) && logProbability == h.logProbability
                && score == h.score && finished == h.finished;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Double.hashCode(logProbability);
    }

    @Override
    public String toString() {
        return "Hypothesis" + Arrays.toString(tokens) + " logP=" + logProbability + " score=" + score
                + (finished ? "" : " (unfinished)");
    }
}
