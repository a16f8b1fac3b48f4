package org.seqzoo.models.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Attention;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Bridge;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Cell;
import org.seqzoo.models.testing.ReverseTask;

/**
 * The builder accepts every valid combination (each one builds a graph that trains on a batch) and rejects
 * the others with a message saying why; specs and graphs with every custom vertex survive JSON and
 * {@link ModelSerializer} round trips.
 */
class Seq2SeqSpecTest {

    private static Seq2SeqSpec.Builder small() {
        return Seq2SeqSpec.builder().vocabularies(ReverseTask.VOCABULARY, ReverseTask.VOCABULARY).embeddingSize(5)
                .hiddenSize(6).attentionSize(4).seed(1);
    }

    @Test
    void everyValidCombinationBuildsAndTrainsOneBatch() {
        MultiDataSet batch = ReverseTask.batch(new int[][] {{4, 5, 6}, {7, 8}});
        int valid = 0;
        for (Cell cell : Cell.values()) {
            for (Bridge bridge : Bridge.values()) {
                for (Attention attention : Attention.values()) {
                    for (int flags = 0; flags < 8; flags++) {
                        Seq2SeqSpec.Builder b = small().cell(cell).bridge(bridge).attention(attention)
                                .bidirectionalEncoder((flags & 1) != 0).reverseSource((flags & 2) != 0)
                                .sharedEmbeddings((flags & 4) != 0).layers(1, attention == Attention.BAHDANAU ? 1 : 2)
                                .dropout(0.1);
                        Seq2SeqSpec spec;
                        try {
                            spec = b.build();
                        } catch (IllegalArgumentException rejected) {
                            assertTrue(rejected.getMessage().startsWith("invalid seq2seq model: "), rejected.getMessage());
                            continue;
                        }
                        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
                        graph.fit(batch);
                        assertTrue(Double.isFinite(graph.score()), spec + " score " + graph.score());
                        valid++;
                    }
                }
            }
        }
        assertTrue(valid >= 60, "only " + valid + " valid combinations");
    }

    @Test
    void invalidCombinationsAreRejectedWithTheReason() {
        assertRejected(small().attention(Attention.BAHDANAU).bridge(Bridge.CONTEXT_EVERY_STEP), "use bridge INITIAL_STATE");
        assertRejected(small().attention(Attention.LUONG_DOT).reverseSource(true), "source reversal");
        assertRejected(small().attention(Attention.BAHDANAU).layers(1, 2), "decoderLayers=1");
        assertRejected(small().attention(Attention.LUONG_DOT).bidirectionalEncoder(true), "use LUONG_GENERAL");
        assertRejected(small().cell(Cell.SIMPLE_RNN), "cannot start from a state given by the graph");
        assertRejected(small().cell(Cell.DL4J_LSTM).attention(Attention.BAHDANAU), "a seqzoo cell");
        assertRejected(small().vocabularies(20, 30).sharedEmbeddings(true), "one shared vocabulary");
        assertRejected(small().vocabularies(3, 30), "exceed the 4 specials");
        assertRejected(small().dropout(1.0), "dropout must be in [0, 1)");
        assertRejected(small().layers(0, 1), "at least one layer");
    }

    private static void assertRejected(Seq2SeqSpec.Builder builder, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void specJsonRoundTrip() {
        Seq2SeqSpec spec = small().cell(Cell.LSTM).attention(Attention.LUONG_GENERAL).bidirectionalEncoder(true)
                .layers(2, 2).dropout(0.2).build();
        assertEquals(spec, Seq2SeqSpec.fromJson(spec.toJson()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqSpec.fromJson("{\"cell\": \"TRANSFORMER\"}"));
        assertTrue(e.getMessage().startsWith("not a seq2seq model spec"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Attention.class)
    void graphsSurviveJsonAndModelSerializer(Attention attention, @TempDir Path dir) throws IOException {
        Seq2SeqSpec spec = small().cell(Cell.GRU).attention(attention).sharedEmbeddings(attention == Attention.NONE)
                .build();
        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
        MultiDataSet batch = ReverseTask.batch(new int[][] {{4, 5, 6}, {7, 8}});
        graph.fit(batch);

        ComputationGraphConfiguration conf = graph.getConfiguration();
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));

        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(graph, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(graph.params(), restored.params());
        INDArray before = graph.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(),
                batch.getLabelsMaskArrays())[0];
        INDArray after = restored.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(),
                batch.getLabelsMaskArrays())[0];
        assertEquals(before, after);
        restored.fit(batch);
        graph.fit(batch);
        assertEquals(graph.params(), restored.params(), "updater state restored: the next step agrees too");
    }
}
