package org.seqzoo.models.cpu;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import java.lang.ref.Reference;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The memory of a dense ND4J array seen from Java: ranges of its buffer (whatever the array's shape says)
 * copied to and from {@code double[]}, and row-major matrix products on (element offset, leading
 * dimension) operands through OpenBLAS — the library ND4J's CPU backend itself calls.
 *
 * <p>This is how the recurrent kernels run their time loops: a step is one BLAS call plus a few loops of
 * plain Java over its gate blocks, instead of ten or more ND4J ops and views, each of which costs
 * ~10–30 µs of dispatch on top of its arithmetic (measured; see README.md, "Performance"). The loops run on
 * {@code double[]} copies of the step's blocks ({@link #read}, {@link #write}): on Java arrays the JIT
 * vectorises them, on native memory (element by element through a buffer) it does not, which made the gate
 * pass 4–5× slower. Only {@code FLOAT} and {@code DOUBLE} arrays in host memory are supported.
 */
public abstract sealed class NativeArray {

    /**
     * The array whose memory this is, kept reachable for as long as this object is: the raw pointers below do not
     * keep it alive, and a detached array (no workspace) would otherwise be freed by its deallocator while a
     * time loop still reads its memory.
     */
    private final INDArray owner;

    private NativeArray(INDArray owner) {
        this.owner = owner;
    }

    /**
     * The buffer behind {@code array}, starting at the array's first element; the array must be dense
     * ({@code 'c'} or {@code 'f'} order with default strides).
     */
    public static NativeArray of(INDArray array) {
        Preconditions.checkArgument(isDense(array), "expected a dense array, got strides %s for shape %ndShape",
                array.stride(), array);
        Preconditions.checkArgument(array.length() <= Integer.MAX_VALUE, "array too large: %s elements",
                array.length());
        DataType type = array.dataType();
        if (type == DataType.FLOAT) {
            return new Floats(array);
        }
        if (type == DataType.DOUBLE) {
            return new Doubles(array);
        }
        throw new IllegalArgumentException("seqzoo's recurrent kernels compute in FLOAT or DOUBLE, got " + type);
    }

    private static boolean isDense(INDArray array) {
        long expected = 1;
        if (array.ordering() == 'c') {
            for (int d = array.rank() - 1; d >= 0; d--) {
                if (array.size(d) > 1 && array.stride(d) != expected) {
                    return false;
                }
                expected *= array.size(d);
            }
        } else {
            for (int d = 0; d < array.rank(); d++) {
                if (array.size(d) > 1 && array.stride(d) != expected) {
                    return false;
                }
                expected *= array.size(d);
            }
        }
        return true;
    }

    /** Copies elements {@code offset … offset+length-1} into {@code dst} from {@code dstOffset} on. */
    public abstract void read(int offset, double[] dst, int dstOffset, int length);

    /** Copies {@code src[srcOffset … srcOffset+length-1]} into elements {@code offset …}. */
    public abstract void write(int offset, double[] src, int srcOffset, int length);

    /**
     * Copies elements {@code offset … offset+length-1} of a {@code FLOAT} array into {@code dst} from
     * {@code dstOffset} on, without widening: for float32 work that needs no double precision.
     *
     * @throws IllegalStateException for a {@code DOUBLE} array
     */
    public abstract void readFloats(int offset, float[] dst, int dstOffset, int length);

    /** Copies {@code src[srcOffset … srcOffset+length-1]} into elements {@code offset …} of a {@code FLOAT} array. */
    public abstract void writeFloats(int offset, float[] src, int srcOffset, int length);

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} on row-major operands ({@link FloatGemm} in float32, OpenBLAS in
     * float64): {@code C} is {@code m × n} at element {@code offC} of {@code c} with leading dimension {@code ldc},
     * {@code op(A)} is {@code m × k}, {@code op(B)} is {@code k × n}; all three share one data type.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, NativeArray a, int offA,
                     int lda, NativeArray b, int offB, int ldb, double beta, NativeArray c, int offC, int ldc) {
        if (c instanceof Floats fc) {
            FloatGemm.sgemm(transA, transB, m, n, k, (float) alpha, ((Floats) a).at(offA), lda, ((Floats) b).at(offB),
                    ldb, (float) beta, fc.at(offC), ldc);
        } else {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, alpha,
                    ((Doubles) a).at(offA), lda, ((Doubles) b).at(offB), ldb, beta, ((Doubles) c).at(offC), ldc);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(c);
    }

    /**
     * {@code c = op(a)·op(b) + beta·c} for rank-2 arrays in any dense-row or dense-column layout (views
     * included), mapped onto one row-major {@link #gemm} call.
     */
    public static void mmul(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
        Preconditions.checkArgument(a.dataType() == c.dataType() && b.dataType() == c.dataType(),
                "mmul operands must share a data type: %s, %s, %s", a.dataType(), b.dataType(), c.dataType());
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (transA ? a.size(0) : a.size(1));
        if (c.stride(1) != 1 || c.size(1) == 1 && c.size(0) > 1 && c.stride(0) != 1) {
            // C column-major: compute Cᵀ = op(B)ᵀ·op(A)ᵀ row-major instead.
            Preconditions.checkArgument(c.stride(0) == 1, "mmul result must have unit stride in one dimension");
            product(b, !transB, a, !transA, c, n, m, k, c.stride(1), beta);
        } else {
            product(a, transA, b, transB, c, m, n, k, c.stride(0), beta);
        }
    }

    private static void product(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, int m, int n,
                                int k, long ldc, double beta) {
        Operand opA = Operand.of(a, transA);
        Operand opB = Operand.of(b, transB);
        gemm(opA.transposed, opB.transposed, m, n, k, 1.0, strided(a), 0, opA.ld, strided(b), 0, opB.ld, beta,
                strided(c), 0, (int) Math.max(ldc, 1));
    }

    /** How a rank-2 array (possibly transposed) reads as a row-major operand. */
    private record Operand(boolean transposed, int ld) {
        static Operand of(INDArray x, boolean trans) {
            boolean rowMajor = x.stride(1) == 1 && (x.size(0) == 1 || x.stride(0) >= x.size(1));
            if (rowMajor) {
                return new Operand(trans, (int) Math.max(x.stride(0), x.size(1)));
            }
            Preconditions.checkArgument(x.stride(0) == 1, "mmul operand must have unit stride in one dimension,"
                    + " got strides %s", x.stride());
            return new Operand(!trans, (int) Math.max(x.stride(1), x.size(0)));
        }
    }

    /** The memory from a (possibly strided) matrix's first element on. */
    private static NativeArray strided(INDArray x) {
        return x.dataType() == DataType.FLOAT ? new Floats(x) : new Doubles(x);
    }

    /** Byte address of the array's first element (ND4J accounts a view's offset in its buffer's address). */
    private static long firstElementAddress(INDArray array) {
        Pointer p = array.data().addressPointer();
        return p.address() + p.position() * p.sizeof();
    }

    /** Elements from the first one to one past the last one the array's strides reach. */
    private static long extent(INDArray array) {
        long last = 0;
        for (int d = 0; d < array.rank(); d++) {
            last += (array.size(d) - 1) * array.stride(d);
        }
        return array.length() == 0 ? 0 : last + 1;
    }

    private static final class Floats extends NativeArray {
        private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
        private final FloatPointer pointer;
        private final FloatBuffer buffer;

        Floats(INDArray array) {
            super(array);
            long start = firstElementAddress(array);
            long elements = extent(array);
            pointer = new FloatPointer() {
                {
                    this.address = start;
                    this.limit = elements;
                    this.capacity = elements;
                }
            };
            buffer = pointer.asBuffer();
        }

        @Override
        public void read(int offset, double[] dst, int dstOffset, int length) {
            float[] floats = scratch(length);
            buffer.get(offset, floats, 0, length);
            Reference.reachabilityFence(this);
            for (int i = 0; i < length; i++) {
                dst[dstOffset + i] = floats[i];
            }
        }

        @Override
        public void write(int offset, double[] src, int srcOffset, int length) {
            float[] floats = scratch(length);
            for (int i = 0; i < length; i++) {
                floats[i] = (float) src[srcOffset + i];
            }
            buffer.put(offset, floats, 0, length);
            Reference.reachabilityFence(this);
        }

        @Override
        public void readFloats(int offset, float[] dst, int dstOffset, int length) {
            buffer.get(offset, dst, dstOffset, length);
            Reference.reachabilityFence(this);
        }

        @Override
        public void writeFloats(int offset, float[] src, int srcOffset, int length) {
            buffer.put(offset, src, srcOffset, length);
            Reference.reachabilityFence(this);
        }

        /** A per-thread float[] of at least {@code length} elements, for the bulk copies. */
        private static float[] scratch(int length) {
            float[] floats = SCRATCH.get();
            if (floats.length < length) {
                floats = new float[length];
                SCRATCH.set(floats);
            }
            return floats;
        }

        FloatPointer at(int offset) {
            return new FloatPointer(pointer).position(offset);
        }
    }

    private static final class Doubles extends NativeArray {
        private final DoublePointer pointer;
        private final DoubleBuffer buffer;

        Doubles(INDArray array) {
            super(array);
            long start = firstElementAddress(array);
            long elements = extent(array);
            pointer = new DoublePointer() {
                {
                    this.address = start;
                    this.limit = elements;
                    this.capacity = elements;
                }
            };
            buffer = pointer.asBuffer();
        }

        @Override
        public void read(int offset, double[] dst, int dstOffset, int length) {
            buffer.get(offset, dst, dstOffset, length);
            Reference.reachabilityFence(this);
        }

        @Override
        public void write(int offset, double[] src, int srcOffset, int length) {
            buffer.put(offset, src, srcOffset, length);
            Reference.reachabilityFence(this);
        }

        @Override
        public void readFloats(int offset, float[] dst, int dstOffset, int length) {
            throw new IllegalStateException("readFloats on a DOUBLE array");
        }

        @Override
        public void writeFloats(int offset, float[] src, int srcOffset, int length) {
            throw new IllegalStateException("writeFloats on a DOUBLE array");
        }

        DoublePointer at(int offset) {
            return new DoublePointer(pointer).position(offset);
        }
    }
}
