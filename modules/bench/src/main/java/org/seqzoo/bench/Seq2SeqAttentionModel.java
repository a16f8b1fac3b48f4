package org.seqzoo.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;

/**
 * A seq2seq training step with attention for {@link RnnBench}: GRU encoder, GRU decoder with Bahdanau attention
 * (the default preset's architecture, unidirectional here), source and target of {@code steps} tokens, embedding
 * of the input size, vocabularies of the softmax size; tokens/s counts target tokens. No PyTorch counterpart is
 * timed, so it has no ratio or FLOP count.
 */
final class Seq2SeqAttentionModel implements BenchModel {

    private final ComputationGraph graph;
    private final MultiDataSet batch;

    Seq2SeqAttentionModel(LanguageModelShape shape) {
        int vocabulary = Math.max(shape.classes(), 5);
        Seq2SeqSpec spec = Seq2SeqSpec.builder().vocabularies(vocabulary, vocabulary).cell(Seq2SeqSpec.Cell.GRU)
                .attention(Seq2SeqSpec.Attention.BAHDANAU).embeddingSize(shape.input()).hiddenSize(shape.hidden())
                .attentionSize(64).seed(3).build();
        graph = Seq2SeqGraphs.graph(spec);
        Nd4j.getRandom().setSeed(5);
        INDArray source = ids(shape, vocabulary);
        INDArray target = ids(shape, vocabulary);
        INDArray mask = Nd4j.ones(DataType.FLOAT, shape.batch(), shape.steps());
        batch = new MultiDataSet(new INDArray[] {source, target}, new INDArray[] {ids(shape, vocabulary)},
                new INDArray[] {mask, mask}, new INDArray[] {mask});
    }

    private static INDArray ids(LanguageModelShape shape, int vocabulary) {
        return Nd4j.math().floor(Nd4j.rand(DataType.FLOAT, shape.batch(), 1, shape.steps()).muli(vocabulary - 4)
                .addi(4));
    }

    @Override
    public String name() {
        return "seqzoo seq2seq GRU+Bahdanau";
    }

    /** Not comparable with a language model's cell: no ratio to PyTorch, no FLOP count. */
    @Override
    public int gateBlocks() {
        return 0;
    }

    @Override
    public void trainStep() {
        graph.fit(batch);
    }

    @Override
    public void infer() {
        Released.release(graph.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(),
                batch.getLabelsMaskArrays()));
    }
}
