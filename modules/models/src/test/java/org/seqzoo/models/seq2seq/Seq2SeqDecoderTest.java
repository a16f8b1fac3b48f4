package org.seqzoo.models.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.List;
import java.util.stream.Stream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Attention;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Bridge;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Cell;
import org.seqzoo.models.testing.ReverseTask;

/**
 * Step-by-step decoding against the graph itself: every step's {@code P(y_t)} equals the teacher-forced graph
 * output, for every bridge and attention type; a beam of width 1 returns the greedy result; attention weights
 * sum to 1 over real source positions and are exactly 0 on padding.
 */
class Seq2SeqDecoderTest {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("gru initial-state", base().cell(Cell.GRU).bridge(Bridge.INITIAL_STATE).build()),
                Arguments.of("lstm 2-layer initial-state, projected", base().cell(Cell.LSTM).hiddenSize(12)
                        .layers(1, 2).bidirectionalEncoder(true).build()),
                Arguments.of("simple-rnn context-every-step", base().cell(Cell.SIMPLE_RNN)
                        .bridge(Bridge.CONTEXT_EVERY_STEP).build()),
                Arguments.of("dl4j-lstm context-every-step, reversed", base().cell(Cell.DL4J_LSTM)
                        .bridge(Bridge.CONTEXT_EVERY_STEP).reverseSource(true).layers(2, 2).build()),
                Arguments.of("gru bahdanau, bidirectional", base().cell(Cell.GRU).attention(Attention.BAHDANAU)
                        .bidirectionalEncoder(true).build()),
                Arguments.of("lstm bahdanau, shared embeddings", base().cell(Cell.LSTM).attention(Attention.BAHDANAU)
                        .sharedEmbeddings(true).build()),
                Arguments.of("lstm luong dot", base().cell(Cell.LSTM).attention(Attention.LUONG_DOT).build()),
                Arguments.of("gru-before luong general, 2 layers", base().cell(Cell.GRU_RESET_BEFORE)
                        .attention(Attention.LUONG_GENERAL).layers(2, 2).bidirectionalEncoder(true).build()));
    }

    /** The models above that attend. */
    static Stream<Arguments> attentionModels() {
        return models().filter(a -> ((Seq2SeqSpec) a.get()[1]).attention() != Attention.NONE);
    }

    private static Seq2SeqSpec.Builder base() {
        return Seq2SeqSpec.builder().vocabularies(ReverseTask.VOCABULARY, ReverseTask.VOCABULARY).embeddingSize(6)
                .hiddenSize(10).attentionSize(7).seed(3);
    }

    private static MultiDataSet batch() {
        return ReverseTask.batch(new int[][] {{4, 5, 6, 7, 8}, {9, 10}, {11, 4, 5}});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void stepsReproduceTheTeacherForcedGraph(String name, Seq2SeqSpec spec) {
        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
        MultiDataSet batch = batch();
        INDArray probabilities = graph.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(),
                batch.getLabelsMaskArrays())[0];                                       // [B, V, Tt]

        Seq2SeqDecoder decoder = new Seq2SeqDecoder(graph, spec);
        Seq2SeqDecoder.State state = decoder.start(decoder.encode(batch.getFeatures(0), batch.getFeaturesMaskArray(0)));
        INDArray decoderInput = batch.getFeatures(1);
        INDArray targetMask = batch.getFeaturesMaskArray(1);
        for (int t = 0; t < decoderInput.size(2); t++) {
            int[] tokens = decoderInput.get(all(), point(0), point(t)).toIntVector();
            INDArray stepProbabilities = Nd4j.math().exp(decoder.step(state, tokens));
            for (int b = 0; b < tokens.length; b++) {
                if (targetMask.getDouble(b, t) == 0) {
                    continue;
                }
                double diff = stepProbabilities.getRow(b).sub(probabilities.get(point(b), all(), point(t)))
                        .amaxNumber().doubleValue();
                assertTrue(diff < 1e-5, name + ": row " + b + " step " + t + " differs by " + diff);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void beamOfWidthOneIsGreedy(String name, Seq2SeqSpec spec) {
        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
        MultiDataSet batch = batch();
        Seq2SeqDecoder decoder = new Seq2SeqDecoder(graph, spec);
        List<Hypothesis> greedy = GreedyDecoding.decode(decoder, batch.getFeatures(0), batch.getFeaturesMaskArray(0), 9);
        List<List<Hypothesis>> beam = BeamSearch.decode(decoder, batch.getFeatures(0), batch.getFeaturesMaskArray(0),
                new BeamSearch.Settings(1, 9, 0.0, 1));
        for (int b = 0; b < greedy.size(); b++) {
            Hypothesis g = greedy.get(b);
            Hypothesis h = beam.get(b).get(0);
            assertArrayEquals(g.tokens(), h.tokens(), name + " row " + b);
            assertEquals(g.logProbability(), h.logProbability(), 1e-9, name + " row " + b);
            assertEquals(g.finished(), h.finished(), name + " row " + b);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attentionModels")
    void attentionWeightsAreDistributionsOverRealSourcePositions(String name, Seq2SeqSpec spec) {
        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
        MultiDataSet batch = batch();
        graph.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(), batch.getLabelsMaskArrays());
        INDArray weights = spec.attention() == Attention.BAHDANAU
                ? ((BahdanauDecoderGraphVertex) graph.getVertex(Seq2SeqGraphs.decoderLayer(1))).lastAttentionWeights()
                : ((LuongAttentionGraphVertex) graph.getVertex(Seq2SeqGraphs.ATTENTION)).lastAttentionWeights();
        INDArray sourceMask = batch.getFeaturesMaskArray(0);
        INDArray targetMask = batch.getFeaturesMaskArray(1);
        assertEquals(3, weights.rank());
        for (int b = 0; b < weights.size(0); b++) {
            int sourceLength = (int) sourceMask.getRow(b).sumNumber().doubleValue();
            for (int t = 0; t < weights.size(1); t++) {
                if (targetMask.getDouble(b, t) == 0) {
                    continue;
                }
                INDArray row = weights.get(point(b), point(t), all());
                assertEquals(1.0, row.sumNumber().doubleValue(), 1e-5, name + " b=" + b + " t=" + t);
                if (sourceLength < row.length()) {
                    assertEquals(0.0, row.get(interval(sourceLength, row.length())).amaxNumber().doubleValue(), 0.0,
                            name + ": weight on padding, b=" + b + " t=" + t);
                }
            }
        }
    }
}
