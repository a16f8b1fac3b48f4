package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.isColumnMajor;
import static org.seqzoo.models.rnn.Blocks.rows;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.cpu.NativeArray;

/**
 * The part of a forward pass every gated kernel shares, for one part of the batch ({@link BatchParts}: columns
 * {@code column … column+B-1} of the whole batch): sizes, the {@link InputProjection}, the pre-activations
 * {@code Z} ({@code [T·G·H, B]}), the gate activations, the hidden states {@code [(T+1)·H, B]} (see
 * {@link StepMajorLayout}) and the mask. Kernels keep what is theirs alone (the GRU's recurrent products, the
 * LSTM's cells) beside it.
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
    /** This part's first column in the whole batch. */
    final int column;
    final InputProjection projection;
    final INDArray z;
    final INDArray gates;
    final INDArray states;
    final NativeArray zMem;
    final NativeArray gatesMem;
    final NativeArray statesMem;
    /** The mask step-major, {@code mask[t·B + b]}, or {@code null} when every step is real. */
    final double[] mask;
    /** {@link #mask} in float32, for the float loops (a double mask in a float loop keeps it from vectorising). */
    final float[] floatMask;
    final StepInput stepInput;
    /** Computing in float32: the activations may use their fast approximations ({@link ScalarActivation}). */
    final boolean fast;
    /** Whether a backward pass follows: only then do the loops store what it reads (gate activations ...). */
    final boolean forBackprop;
    /** The whole batch's output store {@code [H, T, B]} ({@link StepMajorLayout#outputStore}) this part writes into. */
    private final NativeArray output;
    /** Columns of the whole batch: the output store's innermost dimension. */
    private final int outputColumns;

    private SequencePass(int batch, int steps, int hidden, DataType type, ArrayType work, int column,
                         InputProjection projection, INDArray z, INDArray gates, INDArray states, INDArray maskArray,
                         StepInput stepInput, NativeArray output) {
        this.batch = batch;
        this.steps = steps;
        this.hidden = hidden;
        this.type = type;
        this.work = work;
        this.column = column;
        this.projection = projection;
        this.z = z;
        this.gates = gates;
        this.states = states;
        this.zMem = NativeArray.of(z);
        this.gatesMem = NativeArray.of(gates);
        this.statesMem = NativeArray.of(states);
        this.mask = maskArray == null ? null : stepMajor(maskArray, steps, batch);
        this.floatMask = mask == null ? null : toFloats(mask);
        this.stepInput = stepInput;
        this.fast = type == DataType.FLOAT;
        this.forBackprop = work == ArrayType.BP_WORKING_MEM;
        this.output = output;
        this.outputColumns = projection.batch;
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
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
     * Allocates the arrays of the part of {@code projection}'s batch from column {@code column} on, {@code batch}
     * sequences wide; {@code initialHidden} ({@code [B, H]}) and {@code mask} ({@code [B, T]}) are this part's rows;
     * the part writes its columns of {@code output} ({@code [H, T, B]}, see {@link #emit}).
     */
    static SequencePass start(InputProjection projection, int column, int batch, int hidden, INDArray initialHidden,
                              INDArray mask, StepInput stepInput, ArrayType work, NativeArray output,
                              LayerWorkspaceMgr workspaces) {
        int steps = projection.steps;
        DataType type = projection.type;
        long[] gateShape = {(long) steps * projection.gateRows, batch};
        INDArray z = workspaces.createUninitialized(work, type, gateShape, 'c');
        INDArray gates = workspaces.createUninitialized(work, type, gateShape, 'c');
        INDArray states = StepMajorLayout.states(initialHidden, steps, hidden, batch, type, work, workspaces);
        return new SequencePass(batch, steps, hidden, type, work, column, projection, z, gates, states, mask,
                stepInput, output);
    }

    /**
     * {@code Z_t := Wᵀ x_t} for this part's columns, plus the step input's contribution if there is one: all of
     * {@code Z_t} that comes from outside the recurrence, before the recurrent product joins it.
     */
    void projectStep(int t) {
        int gateRows = projection.gateRows;
        projection.forward(t, column, batch, zMem, t * gateRows * batch);
        if (stepInput != null) {
            stepInput.forward(t, rows(states, (long) t * hidden, hidden), rows(z, (long) t * gateRows, gateRows));
        }
    }

    /**
     * Backward of {@link #projectStep} once {@code Z_t} holds {@code dL/dZ_t} (also given as {@code dz}): into
     * this part's gradients (weights and bias) and its columns of the input gradient.
     */
    void projectStepBackward(int t, double[] dz, BatchParts.PartGradients gradients) {
        projectStepBackward(t, gradients);
        double[] sums = gradients.biasGradient();
        for (int g = 0; g < sums.length; g++) {
            double sum = 0.0;
            for (int k = g * batch, end = k + batch; k < end; k++) {
                sum += dz[k];
            }
            sums[g] += sum;
        }
    }

    /** {@link #projectStepBackward(int, double[], BatchParts.PartGradients)} for the float32 loops. */
    void projectStepBackward(int t, float[] dz, BatchParts.PartGradients gradients) {
        projectStepBackward(t, gradients);
        double[] sums = gradients.biasGradient();
        for (int g = 0; g < sums.length; g++) {
            float sum = 0.0f;
            for (int k = g * batch, end = k + batch; k < end; k++) {
                sum += dz[k];
            }
            sums[g] += sum;
        }
    }

    private void projectStepBackward(int t, BatchParts.PartGradients gradients) {
        projection.backward(t, column, batch, zMem, t * projection.gateRows * batch, gradients.inputGradient(),
                gradients.inputWeightGradientT());
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

    /** {@link #blend(int, double[], double[], int)} for the float32 loops. */
    void blend(int t, float[] value, float[] previous, int rows) {
        if (mask == null) {
            return;
        }
        int maskRow = t * batch;
        for (int i = 0; i < rows; i++) {
            int row = i * batch;
            for (int j = 0; j < batch; j++) {
                float m = floatMask[maskRow + j];
                value[row + j] = m * value[row + j] + (1.0f - m) * previous[row + j];
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

    /** {@link #splitStateGradient(int, double[], double[], double[], double[])} for the float32 loops. */
    void splitStateGradient(int t, float[] later, float[] eps, float[] mixed, float[] carried) {
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
                float m = floatMask[maskRow + j];
                mixed[row + j] = m * (later[row + j] + eps[row + j]);
                carried[row + j] = (1.0f - m) * later[row + j];
            }
        }
    }

    /** {@link #addCarried(double[], double[])} for the float32 loops. */
    void addCarried(float[] gradient, float[] carried) {
        if (mask != null) {
            for (int k = 0; k < gradient.length; k++) {
                gradient[k] += carried[k];
            }
        }
    }

    /**
     * Writes {@code h_t} ({@code [H, B]} of this part, as the loop holds it) into this part's columns of the output
     * store, one run of {@code B} elements per unit: from inside the loop, while the block is in cache, rather than
     * in a pass of its own over the states afterwards (which cost ~0.5 ms per forward pass at the benchmark's
     * default shapes, plus a second hand-over to the kernel threads).
     */
    void emit(int t, float[] h) {
        for (int i = 0; i < hidden; i++) {
            output.writeFloats((i * steps + t) * outputColumns + column, h, i * batch, batch);
        }
    }

    /** {@link #emit(int, float[])} for the double-precision loops. */
    void emit(int t, double[] h) {
        for (int i = 0; i < hidden; i++) {
            output.write((i * steps + t) * outputColumns + column, h, i * batch, batch);
        }
    }

    /** {@code h} after the last step, {@code [B, H]}. */
    INDArray lastHidden() {
        return rows(states, (long) steps * hidden, hidden).transpose();
    }

    /**
     * {@code dL/d output} of this part ({@code [B, H, T]}, shape checked by {@link BatchParts})
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
}
