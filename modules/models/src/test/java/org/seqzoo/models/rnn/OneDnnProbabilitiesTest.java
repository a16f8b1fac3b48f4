package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
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
 * mask, whole or split over threads into unequal parts, large logits included.
 */
class OneDnnProbabilitiesTest {

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restore() {
        FloatGemm.use(FloatGemm.Backend.DNNL);
        KernelThreads.set(threadsBefore);
    }

    @ParameterizedTest(name = "tokens={0}, token rows={1}, bias={2}, mask={3}, threads={4}")
    @CsvSource({"7,false,true,false,1", "7,true,true,true,1", "250,false,false,true,2", "251,true,true,false,3",
            "300,true,false,false,2"})
    void matchesTheJavaRows(int tokens, boolean tokenRows, boolean withBias, boolean masked, int threads) {
        Nd4j.getRandom().setSeed(17);
        int features = 40;
        int classes = 37;
        KernelThreads.set(threads);
        INDArray x = Nd4j.randn(DataType.FLOAT, tokenRows ? new long[] {tokens, features} : new long[] {features, tokens})
                .muli(2);
        INDArray w = Nd4j.randn(DataType.FLOAT, features, classes).dup('f');
        INDArray b = withBias ? Nd4j.randn(DataType.FLOAT, 1, classes).muli(3) : null;
        double[] mask = null;
        if (masked) {
            mask = new double[tokens];
            for (int n = 0; n < tokens; n++) {
                mask[n] = n % 3 == 0 ? 0.0 : n % 3 == 1 ? 1.0 : 0.5;
            }
        }
        assertTrue(OneDnnProbabilities.applies(x));
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
}
