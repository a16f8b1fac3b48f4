package org.seqzoo.models.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.testing.Cell;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * An attention decoder whose minibatch is split over threads (the kernel's parts, each with its own
 * {@link BahdanauAttention} part) computes what the unsplit one computes: loss, every gradient of the graph
 * (encoder, attention and decoder parameters, through the encoder states), the output and the attention weights.
 * Double precision, source and target masks of unequal lengths, parts of unequal size.
 */
@ExtendWith(DoublePrecision.class)
class SplitAttentionDecoderTest {

    private static final int BATCH = 19;
    private static final int SOURCE_IN = 3;
    private static final int TARGET_IN = 2;
    private static final int SOURCE_STEPS = 5;
    private static final int TARGET_STEPS = 4;
    private static final int CLASSES = 3;

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restoreThreads() {
        KernelThreads.set(threadsBefore);
    }

    /** Loss, gradients, output and attention weights of one forward and backward pass. */
    private record Results(double score, INDArray gradient, INDArray output, INDArray attention) {
    }

    @ParameterizedTest
    @EnumSource(value = Cell.class, names = {"GRU_RESET_AFTER", "LSTM"})
    void splitDecoderEqualsUnsplitDecoder(Cell cell) {
        KernelThreads.set(2);
        assertEquals(2, KernelThreads.parts(BATCH, TARGET_STEPS), "the pass must be split for this test");
        Results split = run(cell);
        KernelThreads.set(1);
        Results single = run(cell);
        assertEquals(single.score(), split.score(), 1e-12);
        assertClose("gradient", single.gradient(), split.gradient());
        assertClose("output", single.output(), split.output());
        assertClose("attention weights", single.attention(), split.attention());
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        assertTrue(expected.equalsWithEps(actual, 1e-11),
                what + " differs: max |diff| = " + expected.sub(actual).amaxNumber());
    }

    private static Results run(Cell cell) {
        Nd4j.getRandom().setSeed(5);
        int encoderSize = 4;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.DOUBLE).updater(new NoOp()).weightInit(new NormalDistribution(0, 0.6))
                .graphBuilder()
                .addInputs("source", "target")
                .addLayer("encoder", cell.builder().nOut(encoderSize).build(), "source")
                .addVertex("summary", new FinalStateVertex(false), "encoder")
                .addVertex("decoder", new BahdanauDecoderVertex(cell.builder().nIn(TARGET_IN).nOut(5).build(),
                        encoderSize, 3, encoderSize), "target", "encoder", "summary")
                .addVertex("features", new MergeVertex(), "decoder", "target")
                .addLayer("output", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX).nOut(CLASSES).build(), "features")
                .setOutputs("output")
                .setInputTypes(InputType.recurrent(SOURCE_IN), InputType.recurrent(TARGET_IN))
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray sourceMask = Nd4j.ones(DataType.DOUBLE, BATCH, SOURCE_STEPS);
        INDArray targetMask = Nd4j.ones(DataType.DOUBLE, BATCH, TARGET_STEPS);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES, TARGET_STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = SOURCE_STEPS - b % 3; t < SOURCE_STEPS; t++) {
                sourceMask.putScalar(b, t, 0.0);
            }
            for (int t = TARGET_STEPS - b % 4; t < TARGET_STEPS; t++) {
                targetMask.putScalar(b, t, 0.0);
            }
            for (int t = 0; t < TARGET_STEPS; t++) {
                labels.putScalar(b, (b + t) % CLASSES, t, 1.0);
            }
        }
        INDArray[] features = {Nd4j.randn(DataType.DOUBLE, BATCH, SOURCE_IN, SOURCE_STEPS),
                Nd4j.randn(DataType.DOUBLE, BATCH, TARGET_IN, TARGET_STEPS)};
        net.setLayerMaskArrays(new INDArray[] {sourceMask, targetMask}, new INDArray[] {targetMask});
        net.setInputs(features);
        net.setLabels(labels);
        net.computeGradientAndScore();
        INDArray gradient = net.gradient().gradient().dup();
        double score = net.score();
        INDArray output = net.output(false, features, new INDArray[] {sourceMask, targetMask},
                new INDArray[] {targetMask})[0].dup();
        INDArray attention = ((BahdanauDecoderGraphVertex) net.getVertex("decoder")).lastAttentionWeights().dup();
        return new Results(score, gradient, output, attention);
    }
}
