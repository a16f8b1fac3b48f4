package org.seqzoo.models.imports;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Arrays;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.GatedParamInitializer;
import org.seqzoo.models.rnn.LSTM;

/**
 * Loads PyTorch-layout recurrent weights ({@link TorchRnnWeights}) into a seqzoo {@link GRU} layer or a
 * DL4J {@code LSTM} layer of an initialised network, so that the layer computes what PyTorch computes.
 *
 * <p>GRU (PyTorch gates {@code r, z, n}; seqzoo keeps that order, see {@link GatedParamInitializer}):
 * {@code W = weight_ihᵀ}, {@code RW = weight_hhᵀ}, {@code b_r = b_ir + b_hr}, {@code b_z = b_iz + b_hz};
 * for {@code resetAfter=true} {@code b_n = b_in} and {@code RB = b_hn} (inside the reset product, as in
 * PyTorch); for {@code resetAfter=false} (ONNX {@code linear_before_reset=0}) {@code b_n = b_in + b_hn}.
 *
 * <p>LSTM (PyTorch gates {@code i, f, g, o}), into either LSTM: both keep input weights {@code [nIn, 4H]},
 * recurrent weights {@code [H, 4H]} and one bias {@code [1, 4H]} ({@code = bias_ih + bias_hh}); seqzoo's
 * {@link LSTM} orders the column blocks {@code i, f, o, g}, DL4J's {@code LSTM} {@code c~ (= g), f, o, i}.
 * The layer must use tanh as activation and sigmoid gates, as PyTorch does (DL4J's activation otherwise
 * defaults to sigmoid).
 *
 * <p>Example: {@code TorchRnnImport.intoGru(net.getLayer(0), TorchRnnWeights.fromStateDict(3, dict, 0))}.
 */
public final class TorchRnnImport {

    /** For each column block of DL4J's LSTM (c~, f, o, i), the PyTorch row block (i=0, f=1, g=2, o=3). */
    private static final int[] DL4J_LSTM_BLOCKS = {2, 1, 3, 0};
    /** For each column block of seqzoo's LSTM (i, f, o, g), the PyTorch row block. */
    private static final int[] SEQZOO_LSTM_BLOCKS = {0, 1, 3, 2};

    private TorchRnnImport() {
    }

    /**
     * Loads {@code weights} (3 gate blocks) into a seqzoo GRU layer.
     *
     * @throws IllegalArgumentException if the layer is not a seqzoo GRU or the sizes differ
     */
    public static void intoGru(Layer layer, TorchRnnWeights weights) {
        if (layer == null || !(layer.conf().getLayer() instanceof GRU conf)) {
            throw new IllegalArgumentException("expected a seqzoo GRU layer, got " + describe(layer));
        }
        requireSizes("GRU", weights, 3, conf.getNIn(), conf.getNOut());
        long h = conf.getNOut();
        INDArray bias = weights.biasIh().reshape(1, 3 * h).dup();
        INDArray recurrentBias = weights.biasHh().reshape(1, 3 * h);
        boolean resetAfter = conf.isResetAfter();
        bias.get(all(), interval(0, resetAfter ? 2 * h : 3 * h))
                .addi(recurrentBias.get(all(), interval(0, resetAfter ? 2 * h : 3 * h)));

        assign(layer, GatedParamInitializer.INPUT_WEIGHT_KEY, weights.weightIh().transpose());
        assign(layer, GatedParamInitializer.RECURRENT_WEIGHT_KEY, weights.weightHh().transpose());
        assign(layer, GatedParamInitializer.BIAS_KEY, bias);
        if (resetAfter) {
            assign(layer, GatedParamInitializer.RECURRENT_BIAS_KEY, recurrentBias.get(all(), interval(2 * h, 3 * h)));
        }
    }

    /**
     * Loads {@code weights} (4 gate blocks) into a seqzoo {@link LSTM} layer or a DL4J {@code LSTM} layer.
     *
     * @throws IllegalArgumentException if the layer is neither, does not use tanh activation and sigmoid
     *                                  gates, or the sizes differ
     */
    public static void intoLstm(Layer layer, TorchRnnWeights weights) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer == null ? null : layer.conf().getLayer();
        if (conf instanceof LSTM seqzoo) {
            requireTorchActivations(seqzoo.getLayerName(), seqzoo.getActivationFn(), seqzoo.getGateActivationFn());
            requireSizes("LSTM", weights, 4, seqzoo.getNIn(), seqzoo.getNOut());
            assignLstmBlocks(layer, weights, SEQZOO_LSTM_BLOCKS, GatedParamInitializer.INPUT_WEIGHT_KEY,
                    GatedParamInitializer.RECURRENT_WEIGHT_KEY, GatedParamInitializer.BIAS_KEY);
        } else if (conf instanceof org.deeplearning4j.nn.conf.layers.LSTM dl4j) {
            requireTorchActivations(dl4j.getLayerName(), dl4j.getActivationFn(), dl4j.getGateActivationFn());
            requireSizes("LSTM", weights, 4, dl4j.getNIn(), dl4j.getNOut());
            assignLstmBlocks(layer, weights, DL4J_LSTM_BLOCKS, LSTMParamInitializer.INPUT_WEIGHT_KEY,
                    LSTMParamInitializer.RECURRENT_WEIGHT_KEY, LSTMParamInitializer.BIAS_KEY);
        } else {
            throw new IllegalArgumentException("expected a seqzoo or DL4J LSTM layer, got " + describe(layer));
        }
    }

    private static void requireTorchActivations(String name, IActivation activation, IActivation gate) {
        if (!(activation instanceof ActivationTanH)) {
            throw new IllegalArgumentException("the LSTM layer '" + name + "' uses activation " + activation
                    + "; PyTorch's LSTM uses tanh: build it with .activation(Activation.TANH)");
        }
        if (!(gate instanceof ActivationSigmoid)) {
            throw new IllegalArgumentException("the LSTM layer '" + name + "' uses gate activation " + gate
                    + "; PyTorch's LSTM uses sigmoid");
        }
    }

    /** Column block k of the layer's weights and bias ← PyTorch row block {@code blockFromTorch[k]}. */
    private static void assignLstmBlocks(Layer layer, TorchRnnWeights weights, int[] blockFromTorch,
                                         String inputKey, String recurrentKey, String biasKey) {
        long h = weights.hiddenSize();
        INDArray inputWeights = layer.getParam(inputKey);
        INDArray recurrentWeights = layer.getParam(recurrentKey);
        INDArray bias = layer.getParam(biasKey);
        INDArray biasSum = weights.biasIh().reshape(4 * h).add(weights.biasHh().reshape(4 * h));
        for (int block = 0; block < 4; block++) {
            long from = blockFromTorch[block] * h;
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
