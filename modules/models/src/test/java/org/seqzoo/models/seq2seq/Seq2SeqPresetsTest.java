package org.seqzoo.models.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.deeplearning4j.zoo.PretrainedType;

/** Every preset builds a graph through the DL4J zoo API; an unknown name lists the known ones. */
class Seq2SeqPresetsTest {

    @Test
    void everyPresetIsAZooModel() {
        assertTrue(Seq2SeqPresets.names().contains(Seq2SeqPresets.DEFAULT));
        for (String name : Seq2SeqPresets.names()) {
            Seq2SeqSpec spec = Seq2SeqPresets.builder(name, 30, 40).hiddenSize(8).embeddingSize(4).attentionSize(4)
                    .build();
            Seq2SeqZooModel zoo = new Seq2SeqZooModel(spec);
            ComputationGraph graph = zoo.init();
            assertEquals(40, graph.getLayer(Seq2SeqGraphs.OUTPUT).getParam("b").length(), name);
            assertFalse(zoo.pretrainedAvailable(PretrainedType.IMAGENET), name);
        }
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqPresets.builder("transformer", 10, 10));
        assertTrue(e.getMessage().contains("gru-bahdanau") && e.getMessage().contains("'transformer'"), e.getMessage());
    }
}
