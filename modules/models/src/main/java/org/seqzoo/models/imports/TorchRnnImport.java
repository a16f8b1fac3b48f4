package org.seqzoo.models.imports;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Arrays;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.GRULayer;
import org.seqzoo.models.rnn.GRUParamInitializer;

/**
 * Loads PyTorch-layout recurrent weights ({@link TorchRnnWeights}) into a seqzoo {@link GRU} layer or a
 * DL4J {@code LSTM} layer of an initialised network, so that the layer computes what PyTorch computes.
 *
 * <p>GRU (PyTorch gates {@code r, z, n}; seqzoo keeps that order, see {@link GRUParamInitializer}):
 * {@code W = weight_ihᵀ}, {@code RW = weight_hhᵀ}, {@code b_r = b_ir + b_hr}, {@code b_z = b_iz + b_hz};
 * for {@code resetAfter=true} {@code b_n = b_in} and {@code RB = b_hn} (inside the reset product, as in
 * PyTorch); for {@code resetAfter=false} (ONNX {@code linear_before_reset=0}) {@code b_n = b_in + b_hn}.
 *
 * <p>LSTM (PyTorch gates {@code i, f, g, o}): DL4J's {@code LSTM} keeps input weights {@code [nIn, 4H]},
 * recurrent weights {@code [H, 4H]} and one bias {@code [1, 4H]}, with column blocks in the order
 * {@code c~ (= g), f, o, i}; its single bias is {@code bias_ih + bias_hh}. The DL4J layer must use tanh
 * as activation and sigmoid gates, as PyTorch does (DL4J's activation otherwise defaults to sigmoid).
 *
 * <p>Example: {@code TorchRnnImport.intoGru(net.getLayer(0), TorchRnnWeights.fromStateDict(3, dict, 0))}.
 */
public final class TorchRnnImport {

    /** For each DL4J LSTM column block (c~, f, o, i), the PyTorch row block (i=0, f=1, g=2, o=3). */
    private static final int[] LSTM_BLOCK_FROM_TORCH = {2, 1, 3, 0};

    private TorchRnnImport() {
    }

    /**
     * Loads {@code weights} (3 gate blocks) into a seqzoo GRU layer.
     *
     * @throws IllegalArgumentException if the layer is not a seqzoo GRU or the sizes differ
     */
    public static void intoGru(Layer layer, TorchRnnWeights weights) {
        if (!(layer instanceof GRULayer gru)) {
            throw new IllegalArgumentException("expected a seqzoo GRU layer, got " + describe(layer));
        }
        GRU conf = (GRU) gru.conf().getLayer();
        requireSizes("GRU", weights, 3, conf.getNIn(), conf.getNOut());
        long h = conf.getNOut();
        INDArray bias = weights.biasIh().reshape(1, 3 * h).dup();
        INDArray recurrentBias = weights.biasHh().reshape(1, 3 * h);
        boolean resetAfter = conf.isResetAfter();
        bias.get(all(), interval(0, resetAfter ? 2 * h : 3 * h))
                .addi(recurrentBias.get(all(), interval(0, resetAfter ? 2 * h : 3 * h)));

        assign(gru, GRUParamInitializer.INPUT_WEIGHT_KEY, weights.weightIh().transpose());
        assign(gru, GRUParamInitializer.RECURRENT_WEIGHT_KEY, weights.weightHh().transpose());
        assign(gru, GRUParamInitializer.BIAS_KEY, bias);
        if (resetAfter) {
            assign(gru, GRUParamInitializer.RECURRENT_BIAS_KEY, recurrentBias.get(all(), interval(2 * h, 3 * h)));
        }
    }

    /**
     * Loads {@code weights} (4 gate blocks) into a DL4J {@code LSTM} layer.
     *
     * @throws IllegalArgumentException if the layer is not a DL4J LSTM with tanh activation and sigmoid
     *                                  gates, or the sizes differ
     */
    public static void intoLstm(Layer layer, TorchRnnWeights weights) {
        if (!(layer instanceof org.deeplearning4j.nn.layers.recurrent.LSTM lstm)) {
            throw new IllegalArgumentException("expected a DL4J LSTM layer, got " + describe(layer));
        }
        org.deeplearning4j.nn.conf.layers.LSTM conf = (org.deeplearning4j.nn.conf.layers.LSTM) lstm.conf().getLayer();
        if (!(conf.getActivationFn() instanceof ActivationTanH)) {
            throw new IllegalArgumentException("the DL4J LSTM layer '" + conf.getLayerName() + "' uses activation "
                    + conf.getActivationFn() + "; PyTorch's LSTM uses tanh: build it with .activation(Activation.TANH)");
        }
        if (!(conf.getGateActivationFn() instanceof ActivationSigmoid)) {
            throw new IllegalArgumentException("the DL4J LSTM layer '" + conf.getLayerName()
                    + "' uses gate activation " + conf.getGateActivationFn() + "; PyTorch's LSTM uses sigmoid");
        }
        requireSizes("LSTM", weights, 4, conf.getNIn(), conf.getNOut());
        long h = conf.getNOut();
        INDArray inputWeights = lstm.getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY);
        INDArray recurrentWeights = lstm.getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray bias = lstm.getParam(LSTMParamInitializer.BIAS_KEY);
        INDArray biasSum = weights.biasIh().reshape(4 * h).add(weights.biasHh().reshape(4 * h));
        for (int block = 0; block < 4; block++) {
            long from = LSTM_BLOCK_FROM_TORCH[block] * h;
            inputWeights.get(all(), interval(block * h, (block + 1) * h))
                    .assign(weights.weightIh().get(interval(from, from + h), all()).transpose());
            recurrentWeights.get(all(), interval(block * h, (block + 1) * h))
                    .assign(weights.weightHh().get(interval(from, from + h), all()).transpose());
            bias.get(all(), interval(block * h, (block + 1) * h))
                    .assign(biasSum.get(interval(from, from + h)).reshape(1, h));
        }
    }

    private static void assign(Layer layer, String key, INDArray value) {
        INDArray param = layer.getParam(key);
        param.assign(value.reshape(param.shape()).castTo(param.dataType()));
    }

    private static void requireSizes(String kind, TorchRnnWeights weights, int gates, long nIn, long nOut) {
        if (weights.gates() != gates) {
            throw new IllegalArgumentException(kind + " needs " + gates + " gate blocks, the weights have "
                    + weights.gates());
        }
        if (weights.inputSize() != nIn || weights.hiddenSize() != nOut) {
            throw new IllegalArgumentException(kind + " layer has nIn=" + nIn + ", nOut=" + nOut
                    + " but the PyTorch weights have input_size=" + weights.inputSize() + ", hidden_size="
                    + weights.hiddenSize() + " (weight_ih " + Arrays.toString(weights.weightIh().shape()) + ")");
        }
    }

    private static String describe(Layer layer) {
        return layer == null ? "null" : layer.getClass().getName();
    }
}
