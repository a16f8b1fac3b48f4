package org.seqzoo.models.seq2seq;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The attention distribution over source positions, {@code α = softmax_j(e)} restricted to real (unpadded)
 * positions: padding gets weight exactly 0 and the rest sums to 1. Scores are {@code [B, Ts]} or
 * {@code [B, Tq, Ts]} (softmax over the last axis); the source mask is {@code [B, Ts]} of 0/1 or {@code null}.
 */
final class MaskedSoftmax {

    /** Added to the scores of padded positions: exp underflows to exactly 0 in float and double. */
    private static final double PADDING_SCORE = -1e9;

    private MaskedSoftmax() {
    }

    /** {@code α} for {@code scores} (left unchanged); a new array of the same shape. */
    static INDArray forward(INDArray scores, INDArray sourceMask) {
        INDArray shifted;
        INDArray mask = null;
        if (sourceMask == null) {
            shifted = scores.dup();
        } else {
            mask = broadcastable(sourceMask.castTo(scores.dataType()), scores);
            shifted = scores.add(mask.rsub(1.0).muli(PADDING_SCORE));
        }
        INDArray alpha = Nd4j.exec(new SoftMax(shifted, shifted, scores.rank() - 1))[0];
        return mask == null ? alpha : alpha.muli(mask);
    }

    /** {@code dL/de = α ⊙ (dL/dα - Σ_j α_j dL/dα_j)}; zero at padded positions since {@code α} is. */
    static INDArray backward(INDArray alpha, INDArray alphaGradient) {
        INDArray weighted = alpha.mul(alphaGradient).sum(true, alpha.rank() - 1);
        return alphaGradient.sub(weighted).muli(alpha);
    }

    /** The {@code [B, Ts]} mask shaped to broadcast against scores of rank 2 or 3. */
    private static INDArray broadcastable(INDArray mask, INDArray scores) {
        return scores.rank() == 2 ? mask : mask.reshape(mask.size(0), 1, mask.size(1));
    }
}
