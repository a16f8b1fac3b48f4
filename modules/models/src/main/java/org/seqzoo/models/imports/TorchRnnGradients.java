package org.seqzoo.models.imports;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.rnn.GateWeights;

/**
 * The gradients of a seqzoo {@code GRU} or {@code LSTM} layer expressed as gradients with respect to the
 * PyTorch parameters {@link TorchRnnImport} loads from — the adjoint of that import, for comparing
 * training with PyTorch's autograd. The import sets {@code W = weight_ihᵀ}, {@code RW = weight_hhᵀ} and
 * sums the two PyTorch biases into one where seqzoo has one, so each PyTorch bias gets the gradient of the
 * seqzoo bias it went into: for a GRU {@code d bias_ih = d b} and {@code d bias_hh = [d b_r, d b_z, d RB]}
 * (reset-after) or {@code d b} (reset-before); for an LSTM both are {@code d b}, blocks reordered
 * from seqzoo's {@code i, f, o, g} to PyTorch's {@code i, f, g, o}.
 */
public final class TorchRnnGradients {

    /** For each PyTorch LSTM row block (i, f, g, o), the seqzoo column block (i=0, f=1, o=2, g=3). */
    private static final int[] SEQZOO_BLOCK_OF_TORCH_LSTM = {0, 1, 3, 2};

    private TorchRnnGradients() {
    }

    /** Gradients of a seqzoo GRU (keys/layout of {@code GatedParamInitializer}) in PyTorch's layout. */
    public static TorchRnnWeights ofGru(boolean resetAfter, GateWeights gradients) {
        long h = gradients.hidden();
        INDArray bias = gradients.b().reshape(3 * h);
        INDArray biasHh = bias.dup();
        if (resetAfter) {
            if (gradients.rb() == null) {
                throw new IllegalArgumentException("a reset-after GRU has a recurrent candidate bias gradient (RB)");
            }
            biasHh.get(interval(2 * h, 3 * h)).assign(gradients.rb().reshape(h));
        }
        return new TorchRnnWeights(3, gradients.w().transpose().dup('c'), gradients.rw().transpose().dup('c'),
                bias.dup(), biasHh);
    }

    /** Gradients of a seqzoo LSTM in PyTorch's layout. */
    public static TorchRnnWeights ofLstm(GateWeights gradients) {
        long h = gradients.hidden();
        long nIn = gradients.w().size(0);
        INDArray weightIh = Nd4j.create(gradients.w().dataType(), 4 * h, nIn);
        INDArray weightHh = Nd4j.create(gradients.w().dataType(), 4 * h, h);
        INDArray bias = Nd4j.create(gradients.w().dataType(), 4 * h);
        for (int torchBlock = 0; torchBlock < 4; torchBlock++) {
            long from = SEQZOO_BLOCK_OF_TORCH_LSTM[torchBlock] * h;
            long to = torchBlock * h;
            weightIh.get(interval(to, to + h), all()).assign(gradients.w().get(all(), interval(from, from + h)).transpose());
            weightHh.get(interval(to, to + h), all()).assign(gradients.rw().get(all(), interval(from, from + h)).transpose());
            bias.get(interval(to, to + h)).assign(gradients.b().reshape(4 * h).get(interval(from, from + h)));
        }
        return new TorchRnnWeights(4, weightIh, weightHh, bias, bias.dup());
    }
}
