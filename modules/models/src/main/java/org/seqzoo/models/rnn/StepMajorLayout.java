package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.rows;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layout the recurrent kernels ({@link GRUKernel}, {@link LSTMKernel}) compute in, and the conversions
 * to and from DL4J's NCW arrays.
 *
 * <p>With {@code B} the minibatch and {@code T} the steps, a per-step quantity of {@code F} features is a
 * C-order block {@code [F, B]} (one column per sequence); a sequence of them is the matrix {@code [T·F, B]}
 * whose step {@code t} is rows {@code t·F …}. Each step, and each gate block within it, is therefore one
 * contiguous block, which is what ND4J's fast element-wise path and one recurrent product per step need.
 * An {@code 'f'}-order NCW array {@code [B, F, T]} is byte for byte a C-order {@code [T, F, B]} one.
 */
final class StepMajorLayout {

    private StepMajorLayout() {
    }

    /** A state sequence {@code [(T+1)·H, B]} whose first block is {@code initial} ({@code [B, H]}) or zero. */
    static INDArray states(INDArray initial, long steps, long hidden, long batch, DataType type, ArrayType work,
                           LayerWorkspaceMgr workspaces) {
        INDArray states = workspaces.createUninitialized(work, type, new long[] {(steps + 1) * hidden, batch}, 'c');
        if (initial == null) {
            rows(states, 0, hidden).assign(0.0);
        } else {
            rows(states, 0, hidden).assign(initial.transpose());
        }
        return states;
    }

    /**
     * An uninitialised output store: outputs {@code [B, H, T]} are kept as a C-order {@code [H, T, B]} array
     * (strides {@code [1, T·B, B]}), the layout in which DL4J's {@code RnnOutputLayer} (and
     * {@code TimeSeriesUtils.reshape3dTo2d}) sees {@code [B·T, H]} without copying; an {@code 'f'}-order array
     * would be copied on every forward and backward pass of such a layer. It is also the layout seqzoo's
     * {@link SoftmaxOutputLayer} reads without copying ({@code [F, T·B]}). Filled by the kernel loops
     * ({@code SequencePass.emit}), finished by {@link #maskedOutput}.
     */
    static INDArray outputStore(long steps, long hidden, long batch, DataType type, LayerWorkspaceMgr workspaces) {
        return workspaces.createUninitialized(ArrayType.ACTIVATIONS, type, new long[] {hidden, steps, batch}, 'c');
    }

    /**
     * {@code stored} ({@code [H, T, B]}) seen as {@code [B, H, T]}, zeroed where {@code mask} is 0: one broadcast
     * multiply by the {@code [T, B]} mask, without materialising it at the output's size.
     */
    static INDArray maskedOutput(INDArray stored, INDArray mask) {
        if (mask != null) {
            INDArray stepMajorMask = mask.castTo(stored.dataType()).transpose().dup('c');
            Nd4j.exec(new BroadcastMulOp(stored, stepMajorMask, stored, 1, 2));
        }
        return stored.permute(2, 0, 1);
    }

    /** {@code dL/d output} ({@code [B, H, T]}, any order) as step blocks {@code [T·H, B]}. */
    static INDArray outputGradient(INDArray epsilon, ArrayType work, LayerWorkspaceMgr workspaces) {
        long batch = epsilon.size(0);
        long hidden = epsilon.size(1);
        long steps = epsilon.size(2);
        INDArray rows = workspaces.createUninitialized(work, epsilon.dataType(), new long[] {steps, hidden, batch}, 'c');
        rows.assign(epsilon.permute(2, 1, 0));
        return rows.reshape('c', steps * hidden, batch);
    }
}
