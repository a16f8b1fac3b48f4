package org.seqzoo.models.seq2seq;

import java.util.Objects;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.ZooType;

/**
 * A seqzoo encoder–decoder as a DL4J {@link ZooModel}, for code that instantiates models through DL4J's zoo
 * API: {@code new Seq2SeqZooModel(Seq2SeqPresets.builder("lstm-luong", 8000, 8000).build()).init()}. There
 * are no pretrained weights (seqzoo models are trained on the user's data).
 */
public class Seq2SeqZooModel extends ZooModel<Seq2SeqZooModel> {

    private final Seq2SeqSpec spec;

    public Seq2SeqZooModel(Seq2SeqSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    public Seq2SeqSpec spec() {
        return spec;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <M extends Model> M init() {
        return (M) Seq2SeqGraphs.graph(spec);
    }

    /** Inputs: source and decoder-input ids, one id per step, any length. */
    @Override
    @Deprecated
    public ModelMetaData metaData() {
        return new ModelMetaData(new int[][] {{1, -1}, {1, -1}}, 1, ZooType.RNN);
    }

    /** The input shape is set by the vocabularies and the data; this zoo model takes any sequence length. */
    @Override
    public void setInputShape(int[][] inputShape) {
        throw new UnsupportedOperationException("a seq2seq model's inputs are token-id sequences of any length; set "
                + "vocabulary sizes in its Seq2SeqSpec instead");
    }

    @Override
    public Class<? extends Model> modelType() {
        return ComputationGraph.class;
    }

    @Override
    public String pretrainedUrl(PretrainedType pretrainedType) {
        return null;
    }

    @Override
    public long pretrainedChecksum(PretrainedType pretrainedType) {
        return 0;
    }

    @Override
    public String modelName() {
        return "seqzoo-seq2seq";
    }
}
