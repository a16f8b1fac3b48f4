package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.isColumnMajor;
import static org.seqzoo.models.rnn.Blocks.rows;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The part of a forward pass every gated kernel shares, checked and allocated once: sizes, the input as
 * columns, the pre-activations {@code Z} ({@code [T·G·H, B]}, the input projections to start with), the gate
 * activations, the hidden states {@code [(T+1)·H, B]} (see {@link StepMajorLayout}), the mask, and finally the
 * NCW output. Kernels keep what is theirs alone (the GRU's recurrent products, the LSTM's cells) beside it.
 *
 * <p>The kernels' time loops address these arrays as {@link NativeArray}s: element {@code (f, b)} of step
 * {@code t}'s block of {@code F} features is at {@code (t·F + f)·B + b}.
 */
final class SequencePass {

    final int batch;
    final int steps;
    final int hidden;
    final DataType type;
    final ArrayType work;
    final INDArray inputColumns;
    final INDArray z;
    final INDArray gates;
    final INDArray states;
    final NativeArray zMem;
    final NativeArray gatesMem;
    final NativeArray statesMem;
    /** The mask step-major, {@code mask[t·B + b]}, or {@code null} when every step is real. */
    final double[] mask;
    final StepInput stepInput;
    /** Computing in float32: the activations may use their fast approximations ({@link ScalarActivation}). */
    final boolean fast;
    private final INDArray maskArray;
    private INDArray output;

    private SequencePass(int batch, int steps, int hidden, DataType type, ArrayType work, INDArray inputColumns,
                         INDArray z, INDArray gates, INDArray states, INDArray maskArray, StepInput stepInput) {
        this.batch = batch;
        this.steps = steps;
        this.hidden = hidden;
        this.type = type;
        this.work = work;
        this.inputColumns = inputColumns;
        this.z = z;
        this.gates = gates;
        this.states = states;
        this.zMem = NativeArray.of(z);
        this.gatesMem = NativeArray.of(gates);
        this.statesMem = NativeArray.of(states);
        this.maskArray = maskArray;
        this.mask = maskArray == null ? null : stepMajor(maskArray, steps, batch);
        this.stepInput = stepInput;
        this.fast = type == DataType.FLOAT;
    }

    private static double[] stepMajor(INDArray mask, int steps, int batch) {
        double[][] byExample = mask.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] out = new double[steps * batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                out[t * batch + b] = byExample[b][t];
            }
        }
        return out;
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
        Preconditions.checkArgument((steps + 1) * g * batch <= Integer.MAX_VALUE,
                "%s sequence too large for one pass: [minibatch=%s, time=%s] with %s gate units", cell, batch,
                steps, g);
        if (initialState != null) {
            for (INDArray state : new INDArray[] {initialState.h(), initialState.c()}) {
                Preconditions.checkArgument(state == null || (state.rank() == 2 && state.size(0) == batch
                                && state.size(1) == h),
                        "%s initial state must be [minibatch=%s, nOut=%s], got %ndShape (rnnTimeStep with a"
                                + " different minibatch size, or forgot rnnClearPreviousState?)", cell, batch, h, state);
            }
        }
        Preconditions.checkArgument(mask == null || (mask.rank() == 2 && mask.size(0) == batch
                        && mask.size(1) == steps),
                "%s mask must be [minibatch=%s, time=%s], got %ndShape", cell, batch, steps, mask);

        DataType type = weights.w().dataType();
        ArrayType work = forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.FF_WORKING_MEM;
        INDArray inputColumns = StepMajorLayout.inputColumns(input.castTo(type), work, workspaces);
        INDArray z = StepMajorLayout.project(weights.w(), weights.b(), inputColumns, steps, batch, work, workspaces);
        INDArray gates = workspaces.createUninitialized(work, type, new long[] {steps * g, batch}, 'c');
        INDArray states = StepMajorLayout.states(initialState == null ? null : initialState.h(), steps, h, batch,
                type, work, workspaces);
        return new SequencePass((int) batch, (int) steps, (int) h, type, work, inputColumns, z, gates, states, mask,
                stepInput);
    }

    /** An uninitialised {@code [rows, B]} array in this pass's working memory. */
    INDArray block(long rows, LayerWorkspaceMgr workspaces) {
        return workspaces.createUninitialized(work, type, new long[] {rows, batch}, 'c');
    }

    /**
     * The gradient carried into the backward loop for a state ({@code h} or {@code c}), {@code [H, B]}: the
     * gradient arriving at the last step's state ({@code [B, H]}), or zeros when none arrives.
     */
    INDArray carriedStateGradient(INDArray arriving, LayerWorkspaceMgr workspaces) {
        INDArray carried = block(hidden, workspaces);
        return arriving == null ? carried.assign(0.0) : carried.assign(arriving.transpose());
    }

    /**
     * {@code value = m·value + (1 - m)·previous} over step {@code t}'s block of {@code rows} features ({@code [rows,
     * B]}, as {@code double[]}s), {@code m} the mask of each column: padded steps keep the previous state. Nothing
     * to do when every step is real.
     */
    void blend(int t, double[] value, double[] previous, int rows) {
        if (mask == null) {
            return;
        }
        int maskRow = t * batch;
        for (int i = 0; i < rows; i++) {
            int row = i * batch;
            for (int j = 0; j < batch; j++) {
                double m = mask[maskRow + j];
                value[row + j] = m * value[row + j] + (1.0 - m) * previous[row + j];
            }
        }
    }

    /**
     * Splits the gradient reaching state {@code h_t} ({@code [H, B]} blocks): with {@code h_t = m h~_t + (1 - m)
     * h_{t-1}} and output {@code y_t = m h_t}, {@code mixed = dL/dh~_t = m (later + eps)}, and {@code carried =
     * (1 - m) later} passes to {@code h_{t-1}} unchanged ({@code carried} is left alone when unmasked).
     */
    void splitStateGradient(int t, double[] later, double[] eps, double[] mixed, double[] carried) {
        int hb = hidden * batch;
        if (mask == null) {
            for (int k = 0; k < hb; k++) {
                mixed[k] = later[k] + eps[k];
            }
            return;
        }
        int maskRow = t * batch;
        for (int i = 0; i < hidden; i++) {
            int row = i * batch;
            for (int j = 0; j < batch; j++) {
                double m = mask[maskRow + j];
                mixed[row + j] = m * (later[row + j] + eps[row + j]);
                carried[row + j] = (1.0 - m) * later[row + j];
            }
        }
    }

    /** {@code gradient += carried} after a masked step's backward pass (see {@link #splitStateGradient}). */
    void addCarried(double[] gradient, double[] carried) {
        if (mask != null) {
            for (int k = 0; k < gradient.length; k++) {
                gradient[k] += carried[k];
            }
        }
    }

    /** Writes the NCW output from the states once the loop is done. */
    void finish(LayerWorkspaceMgr workspaces) {
        output = StepMajorLayout.output(states, maskArray, steps, hidden, batch, workspaces);
    }

    INDArray output() {
        return output;
    }

    /** {@code h} after the last step, {@code [B, H]}. */
    INDArray lastHidden() {
        return rows(states, (long) steps * hidden, hidden).transpose();
    }

    /**
     * {@code dL/d output} of this part ({@code [B, H, T]}, shape checked by {@link BatchParts#checkOutputGradient})
     * as step blocks {@code [T·H, B]}, after checking the layout of the gradient arrays.
     */
    INDArray outputGradient(String cell, GateWeights gradients, INDArray epsilon, LayerWorkspaceMgr workspaces) {
        Preconditions.checkArgument(isColumnMajor(gradients.rw()) && isColumnMajor(gradients.w()),
                "%s weight gradients must be 'f'-order arrays with default strides (DL4J gradient views are)", cell);
        return StepMajorLayout.outputGradient(epsilon.castTo(type), ArrayType.BP_WORKING_MEM, workspaces);
    }

    /** The first step the backward pass reaches: 0, or {@code T - backLength} under truncated BPTT. */
    int firstBackwardStep(int backLength) {
        return backLength > 0 ? Math.max(0, steps - backLength) : 0;
    }

    /** Lets the step input (if any) backpropagate step {@code t}: {@code dL/dz_t} of {@code gateRows} rows. */
    void stepInputBackward(int t, int gateRows, INDArray previousStateGradient) {
        if (stepInput != null) {
            stepInput.backward(t, rows(states, (long) t * hidden, hidden), rows(z, (long) t * gateRows, gateRows),
                    previousStateGradient);
        }
    }

    /**
     * After the backward loop, {@code z} holds {@code dL/dZ} of the steps reached (earlier ones are zeroed): writes
     * the input-weight and bias gradients and returns {@code dL/d input} (NCW).
     */
    INDArray projectBackward(int first, int gateRows, GateWeights weights, GateWeights gradients,
                             LayerWorkspaceMgr workspaces) {
        if (first > 0) {
            rows(z, 0, (long) first * gateRows).assign(0.0);
        }
        return StepMajorLayout.projectBackward(z, weights.w(), inputColumns, gradients.w(), gradients.b(), steps,
                batch, workspaces);
    }
}
