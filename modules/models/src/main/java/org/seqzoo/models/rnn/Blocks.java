package org.seqzoo.models.rnn;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.NativeArray;

/**
 * Contiguous blocks of matrices and matrix products into existing arrays, for the work the recurrent kernels
 * do once per sequence (their time loops work on {@link NativeArray}s) and for attention: row blocks of C-order
 * matrices, and {@link #mmul} straight to OpenBLAS.
 *
 * <p>Views are built on the buffer directly: ND4J's {@code get(interval…)} returned an empty array for a row
 * range of a transposed parameter view in 1.0.0-M2.1.
 */
public final class Blocks {

    private Blocks() {
    }

    /** Rows {@code from … from+count-1} of a C-order matrix with default strides (possibly itself a view). */
    static INDArray rows(INDArray matrix, long from, long count) {
        long width = matrix.size(1);
        return view(matrix, new long[] {count, width}, new long[] {width, 1}, from * width);
    }

    /** Entries {@code from … from+count-1} along dimension 0 of an array of any rank and strides, as a view. */
    static INDArray leading(INDArray array, long from, long count) {
        long[] shape = array.shape().clone();
        shape[0] = count;
        return view(array, shape, array.stride().clone(), from * array.stride(0));
    }

    /** A view of {@code base}'s buffer with the given shape and strides, {@code shift} elements further on. */
    private static INDArray view(INDArray base, long[] shape, long[] strides, long shift) {
        char order = strides[strides.length - 1] == 1 || strides[0] != 1 ? 'c' : 'f';
        return Nd4j.create(base.data(), shape, strides, base.offset() + shift, order, base.dataType());
    }

    /**
     * {@code c = op(a)·op(b) + beta·c}; operands and result may be views with unit stride in one dimension.
     * Straight to OpenBLAS ({@link NativeArray#mmul}): ND4J's {@code Mmul} op took 2–4× as long here.
     */
    public static void mmul(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
        NativeArray.mmul(a, b, c, transA, transB, beta);
    }

    /** The matrix itself if it is {@code 'f'} order with default strides (as DL4J parameter views are), else a copy. */
    static INDArray columnMajor(INDArray matrix) {
        return isColumnMajor(matrix) ? matrix : matrix.dup('f');
    }

    /**
     * The matrix in C order with default strides, as the backward passes' products want their weights: OpenBLAS
     * multiplied by a transposed {@code [4H, H]} operand ~25% slower than by a row-major one at the benchmark's
     * shapes (8.3 vs 6.5 ms for 30 steps of {@code U·dz_t}), which outweighs the copy (~0.5 ms per backward pass
     * for {@code H = 256}).
     */
    static INDArray rowMajor(INDArray matrix, LayerWorkspaceMgr workspaces) {
        boolean isRowMajor = matrix.rank() == 2 && matrix.stride(1) == 1 && matrix.stride(0) == matrix.size(1);
        return isRowMajor ? matrix : workspaces.dup(ArrayType.BP_WORKING_MEM, matrix, 'c');
    }

    static boolean isColumnMajor(INDArray matrix) {
        return matrix.rank() == 2 && matrix.stride(0) == 1 && matrix.stride(1) == matrix.size(0);
    }
}
