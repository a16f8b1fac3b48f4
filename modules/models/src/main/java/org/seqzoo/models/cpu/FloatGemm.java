package org.seqzoo.models.cpu;

import java.util.Locale;

import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-precision matrix product behind {@link NativeArray#gemm}: oneDNN's {@code dnnl_sgemm} where its native
 * library loads (seqzoo depends on it for every platform JavaCPP ships it for), OpenBLAS's {@code cblas_sgemm}
 * otherwise. Both take row-major operands with the same arguments.
 *
 * <p>Why: at the recurrent kernels' per-step shapes (e.g. {@code [1024 × 256]·[256 × 32]}, one part of a split
 * batch per core) oneDNN's JIT-compiled kernels took 3.9–4.0 ms for 30 steps on each of two cores against
 * OpenBLAS's 5.3–5.6 ms; over the six products of a GRU/LSTM training step about 23% less time (README.md,
 * "Performance"). Double precision stays with OpenBLAS ({@code dnnl_sgemm} has no double form).
 *
 * <p>Threads: oneDNN parallelises over OpenMP. Each thread that multiplies sets its OpenMP thread count to OpenBLAS's
 * ({@link Nd4jThreads}; 1 by seqzoo's default, since the kernels split the batch over cores themselves) before its
 * first product and whenever that count changes; ND4J's native library and oneDNN's share one OpenMP runtime.
 *
 * <p>Choosing: the system property {@value #PROPERTY} ({@code dnnl} or {@code openblas}) or {@link #use}; the
 * benchmark uses the latter to time both side by side.
 */
public final class FloatGemm {

    /** System property selecting the product: {@code "dnnl"} (the default where it loads) or {@code "openblas"}. */
    public static final String PROPERTY = "seqzoo.gemm";

    /** The implementations. */
    public enum Backend { DNNL, OPENBLAS }

    private static final Logger log = LoggerFactory.getLogger(FloatGemm.class);
    private static final boolean DNNL_LOADS = dnnlLoads();
    private static volatile Backend backend = initialBackend();
    /** Per thread: the OpenMP thread count last set on it, 0 before the first oneDNN product. */
    private static final ThreadLocal<int[]> OPENMP_THREADS = ThreadLocal.withInitial(() -> new int[1]);

    private FloatGemm() {
    }

    private static boolean dnnlLoads() {
        try {
            Loader.load(dnnl.class);
            return true;
        } catch (Throwable e) {             // UnsatisfiedLinkError, NoClassDefFoundError: no oneDNN for this platform
            log.info("oneDNN did not load ({}); float32 products use OpenBLAS", e.toString());
            return false;
        }
    }

    private static Backend initialBackend() {
        return chosen(System.getProperty(PROPERTY), DNNL_LOADS);
    }

    /** The backend for a value of {@value #PROPERTY} (or {@code null}) when oneDNN does or does not load. */
    static Backend chosen(String property, boolean dnnlLoads) {
        String value = property == null ? "dnnl" : property.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "dnnl" -> dnnlLoads ? Backend.DNNL : Backend.OPENBLAS;
            case "openblas" -> Backend.OPENBLAS;
            default -> throw new IllegalArgumentException(
                    "system property " + PROPERTY + " must be 'dnnl' or 'openblas', got '" + property + "'");
        };
    }

    /** The implementation in use. */
    public static Backend backend() {
        return backend;
    }

    /**
     * Switches the implementation for all threads.
     *
     * @throws IllegalStateException for {@link Backend#DNNL} where oneDNN does not load
     */
    public static void use(Backend choice) {
        if (choice == Backend.DNNL && !DNNL_LOADS) {
            throw new IllegalStateException("oneDNN's native library does not load on this platform");
        }
        backend = choice;
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, row-major: {@code op(A)} is {@code m × k}, {@code op(B)} is
     * {@code k × n}, {@code C} is {@code m × n}, each pointer positioned at its matrix's first element.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, int lda,
                      FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        if (backend == Backend.OPENBLAS) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                    transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, alpha, a, lda, b,
                    ldb, beta, c, ldc);
            return;
        }
        matchOpenMpThreads();
        int status = dnnl.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, alpha, a, lda,
                b, ldb, beta, c, ldc);
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "dnnl_sgemm failed with status %d: trans=%s%s m=%d n=%d k=%d lda=%d ldb=%d ldc=%d", status,
                    transA ? "T" : "N", transB ? "T" : "N", m, n, k, lda, ldb, ldc));
        }
    }

    /**
     * Sets the calling thread's OpenMP thread count to OpenBLAS's if it differs from what was last set here: what
     * oneDNN uses for the products (and seqzoo's oneDNN primitives) called from this thread.
     */
    public static void matchOpenMpThreads() {
        int wanted = Nd4j.factory().blas().getMaxThreads();
        int[] current = OPENMP_THREADS.get();
        if (current[0] != wanted) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(wanted);
            current[0] = wanted;
        }
    }
}
