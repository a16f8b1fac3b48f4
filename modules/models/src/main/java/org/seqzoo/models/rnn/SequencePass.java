package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.isColumnMajor;
import static org.seqzoo.models.rnn.Blocks.rows;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.StepMajorLayout.MaskTiles;

/**
 * The part of a forward pass every gated kernel shares, checked and allocated once: sizes, the input as
 * columns, the pre-activations {@code Z} ({@code [T·G·H, B]}, the input projections to start with), the gate
 * activations, the hidden states {@code [(T+1)·H, B]}, the mask tiles, and finally the NCW output. Kernels
 * keep what is theirs alone (the GRU's recurrent products, the LSTM's cells) beside it.
 */
final class SequencePass {

    final long batch;
    final long steps;
    final long hidden;
    final DataType type;
    final ArrayType work;
    final INDArray inputColumns;
    final INDArray z;
    final INDArray gates;
    final INDArray states;
    final MaskTiles mask;
    final StepInput stepInput;
    private INDArray output;

    private SequencePass(long batch, long steps, long hidden, DataType type, ArrayType work, INDArray inputColumns,
                         INDArray z, INDArray gates, INDArray states, MaskTiles mask, StepInput stepInput) {
        this.batch = batch;
        this.steps = steps;
        this.hidden = hidden;
        this.type = type;
        this.work = work;
        this.inputColumns = inputColumns;
        this.z = z;
        this.gates = gates;
        this.states = states;
        this.mask = mask;
        this.stepInput = stepInput;
    }

    /**
     * Checks the arguments of {@link RecurrentKernel#forward} against the weights ({@code cell} names the cell in
     * messages) and allocates the shared arrays; {@code Z} holds the input projections.
     */
    static SequencePass start(String cell, GateWeights weights, INDArray input, RecurrentState initialState,
                              INDArray mask, StepInput stepInput, boolean forBackprop, LayerWorkspaceMgr workspaces) {
        long h = weights.hidden();
        long g = weights.w().size(1);
        long nIn = weights.w().size(0);
        Preconditions.checkArgument(input.rank() == 3 && input.size(1) == nIn,
                "%s input must be [minibatch, nIn=%s, time], got %ndShape", cell, nIn, input);
        long batch = input.size(0);
        long steps = input.size(2);
        if (initialState != null) {
            for (INDArray state : new INDArray[] {initialState.h(), initialState.c()}) {
                Preconditions.checkArgument(state == null || (state.rank() == 2 && state.size(0) == batch
                                && state.size(1) == h),
                        "%s initial state must be [minibatch=%s, nOut=%s], got %ndShape (rnnTimeStep with a"
                                + " different minibatch size, or forgot rnnClearPreviousState?)", cell, batch, h, state);
            }
        }
        Preconditions.checkArgument(mask == null || (mask.size(0) == batch && mask.size(1) == steps),
                "%s mask must be [minibatch=%s, time=%s], got %ndShape", cell, batch, steps, mask);

        DataType type = weights.w().dataType();
        ArrayType work = forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.FF_WORKING_MEM;
        INDArray inputColumns = StepMajorLayout.inputColumns(input.castTo(type), work, workspaces);
        INDArray z = StepMajorLayout.project(weights.w(), weights.b(), inputColumns, steps, batch, work, workspaces);
        INDArray gates = workspaces.createUninitialized(work, type, new long[] {steps * g, batch}, 'c');
        INDArray states = StepMajorLayout.states(initialState == null ? null : initialState.h(), steps, h, batch,
                type, work, workspaces);
        MaskTiles tiles = MaskTiles.of(mask, steps, h, batch, type, work, workspaces);
        return new SequencePass(batch, steps, h, type, work, inputColumns, z, gates, states, tiles, stepInput);
    }

    /** An uninitialised {@code [rows, B]} array in this pass's working memory. */
    INDArray block(long rows, LayerWorkspaceMgr workspaces) {
        return workspaces.createUninitialized(work, type, new long[] {rows, batch}, 'c');
    }

    /** Writes the NCW output from the states once the loop is done. */
    void finish(LayerWorkspaceMgr workspaces) {
        output = StepMajorLayout.output(states, mask, steps, hidden, batch, workspaces);
    }

    INDArray output() {
        return output;
    }

    /** {@code h} after the last step, {@code [B, H]}. */
    INDArray lastHidden() {
        return rows(states, steps * hidden, hidden).transpose();
    }

    /**
     * Checks the arguments of {@link RecurrentKernel#backward} and returns {@code dL/d output} as step blocks
     * {@code [T·H, B]}.
     */
    INDArray outputGradient(String cell, GateWeights gradients, INDArray epsilon, LayerWorkspaceMgr workspaces) {
        Preconditions.checkArgument(epsilon.rank() == 3 && epsilon.size(0) == batch && epsilon.size(1) == hidden
                        && epsilon.size(2) == steps,
                "%s epsilon must be [minibatch=%s, nOut=%s, time=%s], got %ndShape", cell, batch, hidden, steps,
                epsilon);
        Preconditions.checkArgument(isColumnMajor(gradients.rw()) && isColumnMajor(gradients.w()),
                "%s weight gradients must be 'f'-order arrays with default strides (DL4J gradient views are)", cell);
        return StepMajorLayout.outputGradient(epsilon.castTo(type), ArrayType.BP_WORKING_MEM, workspaces);
    }

    /** The first step the backward pass reaches: 0, or {@code T - backLength} under truncated BPTT. */
    long firstBackwardStep(int backLength) {
        return backLength > 0 ? Math.max(0, steps - backLength) : 0;
    }
}
