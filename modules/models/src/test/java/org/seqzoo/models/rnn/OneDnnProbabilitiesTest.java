package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.FloatGemm;
import org.seqzoo.models.cpu.KernelThreads;

/**
 * {@link SoftmaxCrossEntropy#probabilities} through {@link OneDnnProbabilities} (oneDNN's matmul and softmax) gives
 * what seqzoo's own rows give (with OpenBLAS products): feature- and token-major inputs, with and without bias and
 * mask, whole or split over threads into unequal parts, large logits included; small blocks keep the Java rows.
 */
class OneDnnProbabilitiesTest {

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restore() {
        FloatGemm.use(FloatGemm.Backend.DNNL);
        KernelThreads.set(threadsBefore);
    }

    @ParameterizedTest(name = "tokens={0}, token rows={1}, bias={2}, mask={3}, threads={4}")
    @CsvSource({"1024,false,true,false,1", "1024,true,true,true,1", "1500,false,false,true,2",
            "1537,true,true,false,3", "2000,true,false,false,2"})
    void matchesTheJavaRows(int tokens, boolean tokenRows, boolean withBias, boolean masked, int threads) {
        Nd4j.getRandom().setSeed(17);
        int features = 40;
        int classes = 64;
        KernelThreads.set(threads);
        long[] shape = tokenRows ? new long[] {tokens, features} : new long[] {features, tokens};
        INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(2);
        INDArray w = Nd4j.randn(DataType.FLOAT, features, classes).dup('f');
        INDArray b = withBias ? Nd4j.randn(DataType.FLOAT, 1, classes).muli(3) : null;
        double[] mask = null;
        if (masked) {
            mask = new double[tokens];
            for (int n = 0; n < tokens; n++) {
                mask[n] = n % 3 == 0 ? 0.0 : n % 3 == 1 ? 1.0 : 0.5;
            }
        }
        assertTrue(OneDnnProbabilities.applies(x, tokens, classes));
        INDArray fused = Nd4j.create(DataType.FLOAT, tokens, classes);
        new SoftmaxCrossEntropy(x, tokenRows, w, b, mask).probabilities(fused);
        FloatGemm.use(FloatGemm.Backend.OPENBLAS);
        INDArray rows = Nd4j.create(DataType.FLOAT, tokens, classes);
        new SoftmaxCrossEntropy(x, tokenRows, w, b, mask).probabilities(rows);

        double worst = rows.sub(fused).amaxNumber().doubleValue();
        assertTrue(worst < 1e-6, "max abs difference " + worst);
        double sumOfUnmasked = fused.getRow(1).sumNumber().doubleValue();
        assertTrue(Math.abs(sumOfUnmasked - 1.0) < 1e-5, "a row sums to " + sumOfUnmasked);
    }

    @Test
    void smallBlocksKeepTheJavaRows() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 10);
        assertFalse(OneDnnProbabilities.applies(x, 32, 100), "few tokens");
        assertFalse(OneDnnProbabilities.applies(x, 100_000, 15), "few classes");
        assertFalse(OneDnnProbabilities.applies(x.castTo(DataType.DOUBLE), 10_000, 100), "float64");
        assertTrue(OneDnnProbabilities.applies(x, 1920, 100), "the benchmark's output layer");
    }
}
