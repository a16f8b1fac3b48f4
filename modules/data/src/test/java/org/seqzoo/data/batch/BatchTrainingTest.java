package org.seqzoo.data.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.tasks.SequenceTask;
import org.seqzoo.data.tasks.SyntheticDataset;
import org.seqzoo.data.text.CharacterTokenizer;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.VocabularyLimits;

/**
 * The batches train a DL4J seq2seq graph as they are (the classic encoder, last step, duplicated to every
 * decoder step): sparse labels with {@code LossSparseMCXENT}, one-hot labels with {@code LossMCXENT}, masks
 * keeping padding out of the loss.
 */
class BatchTrainingTest {

    @TempDir
    Path dir;

    private static ComputationGraph graph(int vocabulary, ILossFunction loss) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Adam(1e-2)).graphBuilder()
                .addInputs("source", "decoderInput")
                .setInputTypes(InputType.recurrent(vocabulary), InputType.recurrent(vocabulary))
                .addLayer("sourceEmbedding", new EmbeddingSequenceLayer.Builder().nOut(16).build(), "source")
                .addLayer("encoder", new LSTM.Builder().nOut(32).activation(Activation.TANH).build(), "sourceEmbedding")
                .addVertex("context", new LastTimeStepVertex("source"), "encoder")
                .addVertex("contextEveryStep", new DuplicateToTimeSeriesVertex("decoderInput"), "context")
                .addLayer("targetEmbedding", new EmbeddingSequenceLayer.Builder().nOut(16).build(), "decoderInput")
                .addVertex("decoderIn", new MergeVertex(), "targetEmbedding", "contextEveryStep")
                .addLayer("decoder", new LSTM.Builder().nOut(32).activation(Activation.TANH).build(), "decoderIn")
                .addLayer("output", new RnnOutputLayer.Builder(loss).activation(Activation.SOFTMAX).nOut(vocabulary)
                        .dataFormat(RNNFormat.NCW).build(), "decoder")
                .setOutputs("output")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    @ParameterizedTest
    @EnumSource(LabelFormat.class)
    void batchesTrainAGraphAndPaddingNeverReachesTheLoss(LabelFormat format) throws IOException {
        Path file = dir.resolve("copy.tsv");
        SyntheticDataset.write(new SequenceTask(SequenceTask.Kind.COPY, "abcdef", 2, 8), 640, 1, Set.of(), file);
        PairPipeline pipeline = PairPipeline.builder(PairCorpus.tsv(file)).tokenizer(CharacterTokenizer.standard())
                .build();
        Vocabularies vocabularies = Vocabularies.build(pipeline, VocabularyLimits.NONE, true);
        Seq2SeqBatchIterator iterator = Seq2SeqBatchIterator.builder(pipeline, vocabularies).batchSize(32)
                .shuffleBuffer(640).labels(format).build();
        ComputationGraph graph = graph(vocabularies.target().size(),
                format == LabelFormat.INDICES ? new LossSparseMCXENT() : new LossMCXENT());

        MultiDataSet probe = iterator.next();
        double before = graph.score(probe);
        // labels at masked (padded) steps do not matter: change them and the score stays
        MultiDataSet altered = probe.copy();
        INDArray labels = altered.getLabels(0);
        INDArray mask = altered.getLabelsMaskArray(0);
        for (int i = 0; i < labels.size(0); i++) {
            for (int t = 0; t < labels.size(2); t++) {
                if (mask.getFloat(i, t) == 0) {
                    labels.putScalar(new long[] {i, format == LabelFormat.INDICES ? 0 : 5, t}, format == LabelFormat.INDICES ? 5 : 1);
                }
            }
        }
        assertEquals(before, graph.score(altered), 1e-6);

        iterator.reset();
        graph.fit(iterator, 3);
        double after = graph.score(probe);
        assertTrue(after < 0.8 * before, "score " + before + " -> " + after);
    }
}
