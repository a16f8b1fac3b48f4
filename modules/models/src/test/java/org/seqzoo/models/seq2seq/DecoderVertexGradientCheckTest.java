package org.seqzoo.models.seq2seq;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.seqzoo.models.rnn.GatedRecurrentLayer;
import org.seqzoo.models.rnn.SoftmaxOutputLayer;
import org.seqzoo.models.testing.Cell;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * DL4J gradient checks (double precision, source and target masks of unequal lengths) of small encoder–decoder
 * graphs around each of seqzoo's decoder vertices: the initial-state bridge (with and without projection),
 * Bahdanau attention inside the recurrence (its features joined by FeatureConcatVertex), and Luong attention
 * (dot and general) after it, under seqzoo's SoftmaxOutputLayer. The encoder's
 * parameters are checked too, so gradients flowing back through the vertices into the encoder are covered.
 */
@ExtendWith(DoublePrecision.class)
class DecoderVertexGradientCheckTest {

    private static final int BATCH = 3;
    private static final int SOURCE_IN = 3;
    private static final int TARGET_IN = 2;
    private static final int SOURCE_STEPS = 4;
    private static final int TARGET_STEPS = 3;
    private static final int CLASSES = 3;
    private static final int[] SOURCE_LENGTHS = {4, 2, 3};
    private static final int[] TARGET_LENGTHS = {3, 3, 1};

    enum Decoder { BRIDGE_IDENTITY, BRIDGE_PROJECTED, BAHDANAU, LUONG_DOT, LUONG_GENERAL }

    @ParameterizedTest(name = "{0} decoder, {1} cells")
    @CsvSource({"BRIDGE_IDENTITY,GRU_RESET_AFTER", "BRIDGE_PROJECTED,LSTM", "BRIDGE_PROJECTED,GRU_RESET_BEFORE",
            "BAHDANAU,GRU_RESET_AFTER", "BAHDANAU,LSTM", "LUONG_DOT,LSTM", "LUONG_GENERAL,GRU_RESET_AFTER"})
    void gradientsMatchFiniteDifferences(Decoder decoder, Cell cell) {
        Nd4j.getRandom().setSeed(11);
        int encoderSize = decoder == Decoder.BRIDGE_PROJECTED || decoder == Decoder.LUONG_GENERAL
                || decoder == Decoder.BAHDANAU ? 3 : 4;
        int hidden = 4;
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(11)
                .dataType(DataType.DOUBLE).updater(new NoOp()).weightInit(new NormalDistribution(0, 0.6))
                .graphBuilder()
                .addInputs("source", "target")
                .addLayer("encoder", cell.builder().nOut(encoderSize).build(), "source")
                .addVertex("summary", new FinalStateVertex(false), "encoder");
        GatedRecurrentLayer decoderCell = cell.builder().nIn(TARGET_IN).nOut(hidden).build();
        String top;
        switch (decoder) {
            case BRIDGE_IDENTITY, BRIDGE_PROJECTED -> {
                graph.addVertex("decoder", new RecurrentDecoderVertex(decoderCell, encoderSize,
                        decoder == Decoder.BRIDGE_PROJECTED), "target", "summary");
                top = "decoder";
            }
            case BAHDANAU -> {
                graph.addVertex("decoder", new BahdanauDecoderVertex(decoderCell, encoderSize, 3, encoderSize),
                        "target", "encoder", "summary");
                graph.addVertex("features", new FeatureConcatVertex(), "decoder", "target");
                top = "features";
            }
            default -> {
                graph.addVertex("decoder", new RecurrentDecoderVertex(decoderCell, encoderSize, true), "target",
                        "summary");
                graph.addVertex("attention", new LuongAttentionVertex(decoder == Decoder.LUONG_DOT
                        ? LuongAttentionVertex.Score.DOT : LuongAttentionVertex.Score.GENERAL, hidden, encoderSize),
                        "decoder", "encoder");
                top = "attention";
            }
        }
        graph.addLayer("output", new SoftmaxOutputLayer.Builder().nOut(CLASSES).build(), top)
                .setOutputs("output")
                .setInputTypes(InputType.recurrent(SOURCE_IN), InputType.recurrent(TARGET_IN));
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        net.params().addi(Nd4j.randn(DataType.DOUBLE, net.params().shape()).muli(0.05));

        INDArray sourceMask = mask(SOURCE_LENGTHS, SOURCE_STEPS);
        INDArray targetMask = mask(TARGET_LENGTHS, TARGET_STEPS);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {Nd4j.randn(DataType.DOUBLE, BATCH, SOURCE_IN, SOURCE_STEPS),
                        Nd4j.randn(DataType.DOUBLE, BATCH, TARGET_IN, TARGET_STEPS)})
                .labels(new INDArray[] {labels()})
                .inputMask(new INDArray[] {sourceMask, targetMask}).labelMask(new INDArray[] {targetMask})
                .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed");
    }

    static INDArray mask(int[] lengths, int steps) {
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, lengths.length, steps);
        for (int b = 0; b < lengths.length; b++) {
            mask.get(point(b), interval(0, lengths[b])).assign(1.0);
        }
        return mask;
    }

    private static INDArray labels() {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES, TARGET_STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < TARGET_STEPS; t++) {
                labels.putScalar(b, (b + 2 * t) % CLASSES, t, 1.0);
            }
        }
        return labels;
    }
}
