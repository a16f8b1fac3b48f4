package org.seqzoo.models.rnn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An extra input to a recurrent kernel that depends on the previous state, such as the attention context
 * {@code c_t} of a Bahdanau decoder ({@code s_t = cell(s_{t-1}, [E y_{t-1}; c_t])} with {@code c_t} computed
 * from {@code s_{t-1}}). The kernel calls it once per step, in step order forward and in reverse order
 * backward; arrays are step blocks {@code [features, B]} (see {@link StepMajorLayout}).
 */
public interface StepInput {

    /** Adds this step's contribution to the gate pre-activations {@code z} ({@code [G·H, B]}). */
    void forward(long step, INDArray previousState, INDArray z);

    /**
     * Given {@code dL/dz} of this step, accumulates the contribution's own gradients and adds its gradient with
     * respect to the previous state into {@code previousStateGradient} ({@code [H, B]}).
     */
    void backward(long step, INDArray previousState, INDArray zGradient, INDArray previousStateGradient);

    /**
     * This step input for batch columns {@code from … from+count-1} only, so that a pass over a large minibatch can
     * be split over threads ({@link BatchParts}): called on the calling thread before the loops start, once per
     * part, parts in order; the part's {@link #forward} and {@link #backward} then run on its own thread and must
     * not write to memory another part writes (bar their own ND4J arrays). {@code null}, the default, keeps the
     * pass in one piece.
     */
    default StepInput columns(int from, int count) {
        return null;
    }
}
