package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.columnMajor;
import static org.seqzoo.models.cpu.NativeArray.gemm;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.seqzoo.models.cpu.NativeArray;

/**
 * The input projection of a gated cell, {@code z_t = Wᵀ x_t + b} ({@code G} gate rows), one step and one column
 * range of the batch at a time, inside the kernels' time loops — and its backward pass, {@code dL/dx_t = W dz_t},
 * {@code dL/dW += x_t dz_tᵀ}, {@code dL/db += Σ_b dz_t}.
 *
 * <p>It reads the input where DL4J keeps it: an {@code 'f'}-order NCW array {@code [B, nIn, T]} is byte for byte
 * the step-major {@code [T, nIn, B]} whose step {@code t} is the matrix {@code x_t [nIn, B]} (leading dimension
 * {@code B}); other layouts are copied into it once. The input gradient is written the same way, so neither
 * direction rearranges the sequence, and each part of a split batch ({@link BatchParts}) projects its own
 * columns on its own thread.
 */
final class InputProjection {

    final int inputSize;
    final int gateRows;
    /** Columns of the whole batch: the leading dimension of every step's input block. */
    final int batch;
    final int steps;
    final DataType type;
    private final NativeArray input;
    /** {@code Wᵀ [G, nIn]} row-major: the memory of the {@code 'f'}-order parameter {@code W [nIn, G]}. */
    private final NativeArray weightsT;
    private final INDArray weights;
    /** {@code W [nIn, G]} row-major for the backward pass's {@code W·dz_t}, from {@link #startBackward}. */
    private NativeArray weightRows;
    /** The caller's C-order input while the parts still have to copy it ({@link #copyColumns}), else {@code null}. */
    private final NativeArray source;
    private final double[] bias;
    private final float[] floatBias;
    /** Each thread's copy of its sequences for {@link #copyColumns}, kept and grown as needed. */
    private static final ThreadLocal<float[]> SEQUENCES = ThreadLocal.withInitial(() -> new float[0]);

    private InputProjection(INDArray input, INDArray weights, INDArray bias, INDArray source) {
        this.inputSize = (int) weights.size(0);
        this.gateRows = (int) weights.size(1);
        this.batch = (int) input.size(0);
        this.steps = (int) input.size(2);
        this.type = weights.dataType();
        this.input = NativeArray.of(input);
        this.weightsT = NativeArray.of(columnMajor(weights));
        this.weights = weights;
        this.bias = bias.toDoubleVector();
        this.floatBias = bias.toFloatVector();
        this.source = source == null ? null : NativeArray.of(source);
    }

    /**
     * For {@code input} {@code [B, nIn, T]} (any layout and type; copied when not {@code 'f'} of the weights'
     * type).
     */
    static InputProjection of(GateWeights weights, INDArray input, ArrayType work, LayerWorkspaceMgr workspaces) {
        DataType type = weights.w().dataType();
        boolean dense = Shape.hasDefaultStridesForShape(input);
        if (input.dataType() == type && input.ordering() == 'f' && dense) {
            return new InputProjection(input, weights.w(), weights.b(), null);
        }
        INDArray stepMajor = workspaces.createUninitialized(work, type, input.shape(), 'f');
        if (type == DataType.FLOAT && input.dataType() == type && input.ordering() == 'c' && dense) {
            return new InputProjection(stepMajor, weights.w(), weights.b(), input);     // parts copy (copyColumns)
        }
        stepMajor.assign(input);
        return new InputProjection(stepMajor, weights.w(), weights.b(), null);
    }

    /**
     * Copies sequences {@code from … from+columns-1} of a C-order input into the step-major array, when that copy
     * was left to the parts (a float32 input in C order, as DataSets from DL4J's iterators are; float64, used by the
     * gradient checks, is copied by ND4J up front): each part's thread copies its own sequences before its first
     * step, so the copy (0.35–0.7 ms for the benchmark's default input on one thread) no longer runs serially ahead
     * of the loops. It goes through this thread's kept buffer, without garbage (a double[] per part and pass before:
     * 208 MB of a bench run's 3.6 GB of allocations in a JFR profile). Nothing to do otherwise.
     */
    void copyColumns(int from, int columns) {
        if (source == null) {
            return;
        }
        int length = columns * inputSize * steps;
        float[] sequences = SEQUENCES.get();                                         // [columns, nIn, T]
        if (sequences.length < length) {
            sequences = new float[length];
            SEQUENCES.set(sequences);
        }
        source.readFloats(from * inputSize * steps, sequences, 0, length);
        float[] run = new float[columns];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < inputSize; i++) {
                for (int j = 0; j < columns; j++) {
                    run[j] = sequences[(j * inputSize + i) * steps + t];
                }
                input.writeFloats((t * inputSize + i) * batch + from, run, 0, columns);
            }
        }
    }

    /** {@code z[zOffset …]} ({@code [G, columns]}) {@code = Wᵀ x_t} for batch columns {@code from …}. */
    void forward(int t, int from, int columns, NativeArray z, int zOffset) {
        gemm(false, false, gateRows, columns, inputSize, 1.0, weightsT, 0, inputSize, input, inputOffset(t, from),
                batch, 0.0, z, zOffset, columns);
    }

    /** {@code act[g·columns + j] += b_g}: the bias, added where the kernel reads the pre-activations. */
    void addBias(double[] act, int columns) {
        for (int g = 0; g < gateRows; g++) {
            double b = bias[g];
            for (int k = g * columns, end = k + columns; k < end; k++) {
                act[k] += b;
            }
        }
    }

    /**
     * The bias as a float32 block {@code [G, columns]} ({@code b_g} repeated along each row), for
     * {@link #addBias(float[], float[])}: adding it is one flat loop, where the row by row loop of
     * {@link #addBias(double[], int)} over rows of a part's 32 columns took ~11 µs per LSTM step at the benchmark's
     * default shapes.
     */
    float[] biasBlock(int columns) {
        float[] block = new float[gateRows * columns];
        for (int g = 0; g < gateRows; g++) {
            java.util.Arrays.fill(block, g * columns, (g + 1) * columns, floatBias[g]);
        }
        return block;
    }

    /** {@code act += block} ({@link #biasBlock}). */
    static void addBias(float[] act, float[] block) {
        for (int k = 0; k < block.length; k++) {
            act[k] += block[k];
        }
    }

    /**
     * Backward of {@link #forward} for one step and column range, given {@code dL/dz_t} in native memory ({@code dz}
     * at {@code dzOffset}, {@code [G, columns]}): writes {@code dL/dx_t} into {@code inputGradient} (laid out like
     * the input) and adds {@code x_t dz_tᵀ} to {@code weightGradientT} ({@code [G, nIn]}, the memory of an
     * {@code 'f'} {@code [nIn, G]} gradient). The bias's gradient, the row sums of {@code dz}, the kernels add
     * themselves ({@link SequencePass#projectStepBackward}).
     */
    void backward(int t, int from, int columns, NativeArray dz, int dzOffset, NativeArray inputGradient,
                  NativeArray weightGradientT) {
        int offset = inputOffset(t, from);
        gemm(false, false, inputSize, columns, gateRows, 1.0, weightRows, 0, gateRows, dz, dzOffset, columns, 0.0,
                inputGradient, offset, batch);
        gemm(false, true, gateRows, inputSize, columns, 1.0, dz, dzOffset, columns, input, offset, batch, 1.0,
                weightGradientT, 0, inputSize);
    }

    /**
     * Prepares {@link #backward} (the weights row-major, see {@link Blocks#rowMajor}) and returns the input gradient
     * {@code [B, nIn, T]} it fills, laid out like the input, zeroed if steps before {@code first} get none.
     */
    INDArray startBackward(int first, LayerWorkspaceMgr workspaces) {
        weightRows = NativeArray.of(Blocks.rowMajor(weights, workspaces));
        long[] shape = {batch, inputSize, steps};
        return first > 0 ? workspaces.create(ArrayType.ACTIVATION_GRAD, type, shape, 'f')
                : workspaces.createUninitialized(ArrayType.ACTIVATION_GRAD, type, shape, 'f');
    }

    private int inputOffset(int t, int from) {
        return t * inputSize * batch + from;
    }
}
