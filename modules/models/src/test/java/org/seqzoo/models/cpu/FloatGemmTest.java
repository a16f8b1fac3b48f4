package org.seqzoo.models.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FloatGemm}: oneDNN loads where seqzoo is built and tested (linux-x86_64), and both products compute
 * {@code alpha·op(A)·op(B) + beta·C} on sub-matrices (offsets, leading dimensions wider than the matrix) in every
 * transposition — checked against the same product in double precision, and on several threads at once with the
 * OpenMP thread count set per thread.
 */
class FloatGemmTest {

    private final FloatGemm.Backend before = FloatGemm.backend();

    @AfterEach
    void restore() {
        FloatGemm.use(before);
    }

    @Test
    void oneDnnIsTheDefaultOnLinuxX86() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            assertEquals(FloatGemm.Backend.DNNL, FloatGemm.chosen(null, true));
            assertEquals(FloatGemm.Backend.DNNL, before, "oneDNN should load on linux-x86_64");
        }
    }

    @Test
    void theBackendPropertyIsParsed() {
        assertEquals(FloatGemm.Backend.OPENBLAS, FloatGemm.chosen(" OpenBLAS ", true));
        assertEquals(FloatGemm.Backend.DNNL, FloatGemm.chosen("dnnl", true));
        assertEquals(FloatGemm.Backend.OPENBLAS, FloatGemm.chosen("dnnl", false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FloatGemm.chosen("mkl", true));
        assertTrue(e.getMessage().contains(FloatGemm.PROPERTY) && e.getMessage().contains("'mkl'"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}, transA={1}, transB={2}")
    @CsvSource({"DNNL,false,false", "DNNL,true,false", "DNNL,false,true", "DNNL,true,true",
            "OPENBLAS,false,false", "OPENBLAS,true,true"})
    void productsOfSubMatricesMatchDoublePrecision(FloatGemm.Backend backend, boolean transA, boolean transB) {
        FloatGemm.use(backend);
        int m = 37;
        int n = 19;
        int k = 53;
        Nd4j.getRandom().setSeed(5);
        // Stored matrices: op(A) is m × k, so A is k × m when transposed; a margin column and row around each.
        INDArray a = Nd4j.randn(DataType.DOUBLE, (transA ? k : m) + 1, (transA ? m : k) + 3);
        INDArray b = Nd4j.randn(DataType.DOUBLE, (transB ? n : k) + 2, (transB ? k : n) + 1);
        INDArray c = Nd4j.randn(DataType.DOUBLE, m + 1, n + 2);
        INDArray opA = sub(a, transA ? k : m, transA ? m : k);
        INDArray opB = sub(b, transB ? n : k, transB ? k : n);
        opA = transA ? opA.transpose() : opA;
        opB = transB ? opB.transpose() : opB;
        INDArray expected = c.dup();
        sub(expected, m, n).assign(opA.mmul(opB).muli(0.5).addi(sub(c, m, n).mul(-1.5)));

        INDArray cf = c.castTo(DataType.FLOAT);
        int rowA = (int) a.size(1);
        int rowB = (int) b.size(1);
        int rowC = (int) c.size(1);
        NativeArray.gemm(transA, transB, m, n, k, 0.5, NativeArray.of(a.castTo(DataType.FLOAT)), rowA + 1, rowA,
                NativeArray.of(b.castTo(DataType.FLOAT)), rowB + 1, rowB, -1.5, NativeArray.of(cf), rowC + 1, rowC);
        double worst = expected.sub(cf.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(worst < 1e-4, backend + " max abs error " + worst);
        assertEquals(c.getDouble(0, 0), cf.getDouble(0, 0), 1e-6, "outside C's sub-matrix: untouched");
        assertEquals(c.getDouble(m, n + 1), cf.getDouble(m, n + 1), 1e-6, "outside C's sub-matrix: untouched");
    }

    @Test
    void threadsMultiplyConcurrently() {
        FloatGemm.use(FloatGemm.Backend.DNNL);
        Nd4j.getRandom().setSeed(6);
        INDArray a = Nd4j.randn(DataType.FLOAT, 64, 48);
        INDArray[] b = new INDArray[4];
        INDArray[] c = new INDArray[4];
        for (int p = 0; p < 4; p++) {
            b[p] = Nd4j.randn(DataType.FLOAT, 48, 16);
            c[p] = Nd4j.create(DataType.FLOAT, 64, 16);
        }
        KernelThreads.run(4, p -> {
            for (int repeat = 0; repeat < 20; repeat++) {
                NativeArray.gemm(false, false, 64, 16, 48, 1.0, NativeArray.of(a), 0, 48, NativeArray.of(b[p]), 0, 16,
                        0.0, NativeArray.of(c[p]), 0, 16);
            }
        });
        for (int p = 0; p < 4; p++) {
            INDArray expected = a.castTo(DataType.DOUBLE).mmul(b[p].castTo(DataType.DOUBLE));
            double worst = expected.sub(c[p].castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            assertTrue(worst < 1e-4, "part " + p + " max abs error " + worst);
        }
    }

    /** The {@code rows × cols} block of a matrix from row 1, column 1 on (a margin row and column before it). */
    private static INDArray sub(INDArray matrix, int rows, int cols) {
        return matrix.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, rows + 1),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, cols + 1));
    }
}
