package org.seqzoo.models.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.SoftmaxOutputLayer;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * {@link FeatureConcatVertex} against DL4J's {@code MergeVertex}: the same outputs, parameter gradients and input
 * gradients in a graph joining a seqzoo GRU, a DL4J SimpleRnn and a raw input (three layouts) under a masked
 * output layer; the joined mask; JSON.
 */
@ExtendWith(DoublePrecision.class)
class FeatureConcatVertexTest {

    private static final int BATCH = 3;
    private static final int STEPS = 4;

    @Test
    void matchesMergeVertex() {
        ComputationGraph merged = graph(new MergeVertex());
        ComputationGraph concatenated = graph(new FeatureConcatVertex());
        concatenated.setParams(merged.params());
        INDArray[] inputs = {Nd4j.randn(DataType.DOUBLE, BATCH, 2, STEPS), Nd4j.randn(DataType.DOUBLE, BATCH, 3, STEPS)};
        INDArray mask = Nd4j.ones(DataType.DOUBLE, BATCH, STEPS);
        mask.putScalar(1, 3, 0.0);
        mask.putScalar(2, 2, 0.0);
        mask.putScalar(2, 3, 0.0);
        INDArray[] masks = {mask, mask};
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, 1, STEPS).addi(2);

        Map<String, INDArray> expected = merged.feedForward(inputs, false);
        Map<String, INDArray> actual = concatenated.feedForward(inputs, false);
        assertEquals(expected.get("joined"), actual.get("joined"), "joined features");

        assertEquals(merged.output(false, inputs, masks, new INDArray[] {mask})[0],
                concatenated.output(false, inputs, masks, new INDArray[] {mask})[0], "masked output");

        Gradient g1 = gradient(merged, inputs, labels, masks);
        Gradient g2 = gradient(concatenated, inputs, labels, masks);
        for (Map.Entry<String, INDArray> e : g1.gradientForVariable().entrySet()) {
            INDArray other = g2.getGradientFor(e.getKey());
            double diff = e.getValue().sub(other).amaxNumber().doubleValue();
            assertTrue(diff < 1e-12, e.getKey() + " differs by " + diff);
        }
        assertEquals(merged.score(), concatenated.score(), 1e-12, "score");
    }

    private static Gradient gradient(ComputationGraph graph, INDArray[] inputs, INDArray labels, INDArray[] masks) {
        graph.setInputs(inputs);
        graph.setLabels(labels);
        graph.setLayerMaskArrays(masks, new INDArray[] {masks[0]});
        graph.computeGradientAndScore();
        return graph.gradient();
    }

    @Test
    void survivesJson() {
        ComputationGraphConfiguration conf = graph(new FeatureConcatVertex()).getConfiguration();
        ComputationGraphConfiguration parsed = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, parsed);
        assertTrue(parsed.getVertices().get("joined") instanceof FeatureConcatVertex);
    }

    @Test
    void outputTypeAddsSizes() {
        InputType out = new FeatureConcatVertex().getOutputType(-1, InputType.recurrent(5, 7), InputType.recurrent(2, 7));
        assertEquals(InputType.recurrent(7, 7), out);
    }

    private static ComputationGraph graph(GraphVertex join) {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(4)
                .dataType(DataType.DOUBLE).updater(new NoOp()).graphBuilder()
                .addInputs("a", "b")
                .addLayer("gru", new GRU.Builder().nOut(4).build(), "a")
                .addLayer("rnn", new SimpleRnn.Builder().nOut(3).activation(Activation.TANH).build(), "b")
                .addVertex("joined", join, "gru", "rnn", "b")
                .addLayer("out", new SoftmaxOutputLayer.Builder().sparseLabels(true).nOut(5).build(), "joined")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(2), InputType.recurrent(3))
                .build());
        graph.init();
        return graph;
    }
}
