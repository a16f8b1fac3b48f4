package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.seqzoo.models.testing.Cell;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * Finite-difference gradient checks (DL4J's {@link GradientCheckUtil}, double precision) of seqzoo's GRU (both
 * reset variants) and LSTM, with and without masks of unequal lengths, NCW and NWC, in a MultiLayerNetwork and
 * in a ComputationGraph with two stacked layers (so input gradients are checked too).
 */
@ExtendWith(DoublePrecision.class)
class GatedRecurrentGradientCheckTest {

    private static final int BATCH = 3;
    private static final int IN = 3;
    private static final int HIDDEN = 4;
    private static final int CLASSES = 3;
    private static final int STEPS = 5;
    private static final int[] LENGTHS = {5, 3, 1};


    @ParameterizedTest(name = "{0}, masked={1}, format={2}")
    @CsvSource({"GRU_RESET_AFTER,false,NCW", "GRU_RESET_AFTER,true,NCW", "GRU_RESET_BEFORE,false,NCW",
            "GRU_RESET_BEFORE,true,NCW", "LSTM,false,NCW", "LSTM,true,NCW", "GRU_RESET_AFTER,true,NWC",
            "GRU_RESET_BEFORE,true,NWC", "LSTM,true,NWC"})
    void multiLayerNetwork(Cell cell, boolean masked, RNNFormat format) {
        Nd4j.getRandom().setSeed(12345);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(12345).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(new NormalDistribution(0, 0.5)).list()
                .layer(cell.builder().nIn(IN).nOut(HIDDEN).biasInit(0.1).dataFormat(format).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HIDDEN).nOut(CLASSES).dataFormat(format).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        randomiseBiases(net.params());
        INDArray mask = masked ? mask() : null;
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(toFormat(Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS), format))
                .labels(toFormat(labels(), format)).inputMask(mask).labelMask(mask)
                .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed");
    }

    @ParameterizedTest(name = "{0}, masked={1}")
    @CsvSource({"GRU_RESET_AFTER,false", "GRU_RESET_AFTER,true", "GRU_RESET_BEFORE,false", "GRU_RESET_BEFORE,true",
            "LSTM,false", "LSTM,true"})
    void computationGraphWithStackedLayers(Cell cell, boolean masked) {
        Nd4j.getRandom().setSeed(42);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(new NormalDistribution(0, 0.5)).graphBuilder()
                .addInputs("in")
                .addLayer("rnn1", cell.builder().nOut(HIDDEN).build(), "in")
                .addLayer("rnn2", cell.builder().nOut(HIDDEN + 1).gateActivation(Activation.HARDSIGMOID)
                        .activation(Activation.SOFTSIGN).build(), "rnn1")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nOut(CLASSES).build(), "rnn2")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(IN))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        randomiseBiases(graph.params());
        INDArray[] masks = masked ? new INDArray[] {mask()} : null;
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph)
                .inputs(new INDArray[] {Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS)})
                .labels(new INDArray[] {labels()}).inputMask(masks).labelMask(masks)
                .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed");
    }

    /** Parameters start with equal biases; make them distinct so bias-layout mistakes show. */
    private static void randomiseBiases(INDArray params) {
        params.addi(Nd4j.randn(DataType.DOUBLE, params.shape()).muli(0.05));
    }

    private static INDArray mask() {
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, BATCH, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < LENGTHS[b]; t++) {
                mask.putScalar(b, t, 1.0);
            }
        }
        return mask;
    }

    private static INDArray labels() {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                labels.putScalar(b, (b + 2 * t) % CLASSES, t, 1.0);
            }
        }
        return labels;
    }

    private static INDArray toFormat(INDArray ncw, RNNFormat format) {
        return format == RNNFormat.NWC ? ncw.permute(0, 2, 1).dup() : ncw;
    }
}
