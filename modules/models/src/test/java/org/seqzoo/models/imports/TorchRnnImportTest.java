package org.seqzoo.models.imports;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.rnn.GRU;

/**
 * The import's refusals, each with a message a user can act on. (That the mapping is right is shown by
 * the reference cases: {@code ReferenceCasesTest}.)
 */
class TorchRnnImportTest {

    private static TorchRnnWeights weights(int gates, int nIn, int hidden) {
        return new TorchRnnWeights(gates, Nd4j.rand(DataType.FLOAT, gates * hidden, nIn),
                Nd4j.rand(DataType.FLOAT, gates * hidden, hidden), Nd4j.rand(DataType.FLOAT, gates * hidden),
                Nd4j.rand(DataType.FLOAT, gates * hidden));
    }

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer layer) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list().layer(layer).build());
        net.init();
        return net;
    }

    @Test
    void sizeMismatchNamesBothSides() {
        MultiLayerNetwork net = net(new GRU.Builder().nIn(3).nOut(4).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchRnnImport.intoGru(net.getLayer(0), weights(3, 5, 4)));
        assertTrue(e.getMessage().contains("nIn=3, nOut=4") && e.getMessage().contains("input_size=5"), e.getMessage());
    }

    @Test
    void lstmWithDl4jDefaultSigmoidActivationIsRefusedWithTheFix() {
        MultiLayerNetwork net = net(new LSTM.Builder().nIn(3).nOut(4).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchRnnImport.intoLstm(net.getLayer(0), weights(4, 3, 4)));
        assertTrue(e.getMessage().contains(".activation(Activation.TANH)"), e.getMessage());
    }

    @Test
    void wrongLayerKindAndGateCount() {
        MultiLayerNetwork lstm = net(new LSTM.Builder().nIn(3).nOut(4).activation(Activation.TANH).build());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TorchRnnImport.intoGru(lstm.getLayer(0), weights(3, 3, 4))).getMessage()
                .contains("expected a seqzoo GRU layer"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TorchRnnImport.intoLstm(lstm.getLayer(0), weights(3, 3, 4))).getMessage()
                .contains("LSTM needs 4 gate blocks"));
    }

    @Test
    void inconsistentTensorsAndMissingKeys() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TorchRnnWeights(3,
                Nd4j.rand(DataType.FLOAT, 12, 3), Nd4j.rand(DataType.FLOAT, 12, 5), Nd4j.rand(DataType.FLOAT, 12),
                Nd4j.rand(DataType.FLOAT, 12))).getMessage().contains("weight_hh must be [3·H, H]"));
        Map<String, INDArray> dict = Map.of("weight_ih_l0", Nd4j.rand(DataType.FLOAT, 12, 3));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TorchRnnWeights.fromStateDict(3, dict, 0))
                .getMessage().contains("missing 'weight_hh_l0'"));
    }
}
