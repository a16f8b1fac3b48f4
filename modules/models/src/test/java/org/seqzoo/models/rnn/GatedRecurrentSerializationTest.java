package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Seqzoo's GRU and LSTM survive JSON configuration and {@link ModelSerializer} round trips, settings and all. */
class GatedRecurrentSerializationTest {

    @Test
    void multiLayerConfigurationJsonRoundTrip() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new GRU.Builder().nIn(3).nOut(4).resetAfter(false).gateActivation(Activation.HARDSIGMOID)
                        .activation(Activation.SOFTSIGN).name("encoder").build())
                .layer(new LSTM.Builder().nIn(4).nOut(5).forgetGateBiasInit(2.0).gateActivation(Activation.HARDSIGMOID)
                        .build())
                .layer(new RnnOutputLayer.Builder().nIn(5).nOut(2).activation(Activation.SOFTMAX).build())
                .build();
        String json = conf.toJson();
        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, restored);
        GRU gru = (GRU) restored.getConf(0).getLayer();
        assertEquals(false, gru.isResetAfter());
        assertEquals("hardsigmoid", gru.getGateActivationFn().toString());
        assertEquals("softsign", gru.getActivationFn().toString());
        assertTrue(json.contains("\"@class\" : \"org.seqzoo.models.rnn.GRU\""), json);
        LSTM lstm = (LSTM) restored.getConf(1).getLayer();
        assertEquals(2.0, lstm.getForgetGateBiasInit());
        assertEquals("hardsigmoid", lstm.getGateActivationFn().toString());
    }

    @Test
    void modelSerializerRoundTripOfAGraphKeepsParametersAndOutputs(@TempDir Path dir) throws IOException {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-3))
                .graphBuilder().addInputs("in")
                .addLayer("gru", new GRU.Builder().nOut(6).build(), "in")
                .addLayer("lstm", new LSTM.Builder().nOut(5).build(), "gru")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nOut(3).build(), "lstm")
                .setOutputs("out").setInputTypes(InputType.recurrent(4)).build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 4, 5);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 2, 3, 5);
        labels.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(1.0);
        graph.fit(new org.nd4j.linalg.dataset.MultiDataSet(x, labels));

        File file = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);

        assertEquals(graph.getConfiguration(), restored.getConfiguration());
        assertEquals(graph.params(), restored.params());
        assertEquals(graph.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        assertEquals(graph.outputSingle(x), restored.outputSingle(x));
    }

    @Test
    void multiLayerNetworkRestoresAndKeepsTraining(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).list()
                .layer(new GRU.Builder().nIn(4).nOut(6).resetAfter(false).build())
                .layer(new RnnOutputLayer.Builder().nIn(6).nOut(3).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, file, false);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 4, 5);
        assertEquals(net.output(x), restored.output(x));
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
    }
}
