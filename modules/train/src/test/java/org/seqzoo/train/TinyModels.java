package org.seqzoo.train;

import java.nio.file.Path;

import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.VocabularyLimits;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.bundle.ModelBundle;
import org.seqzoo.train.bundle.TextSettings;
import org.seqzoo.train.text.TokenizerChoice;

/** Small models and data for train-module tests: the bundled reverse task at character level. */
final class TinyModels {

    static final TextSettings CHARS = new TextSettings(TokenizerChoice.CHARS, TokenizerChoice.CHARS, false);

    private TinyModels() {
    }

    /** {@code datasets/reverse/PART.tsv} of the project. */
    static Path reverse(String part) {
        return Path.of(System.getProperty("seqzoo.root", "../..")).resolve("datasets/reverse/" + part + ".tsv");
    }

    static PairPipeline pipeline(String part) {
        return PairPipeline.builder(PairCorpus.tsv(reverse(part))).tokenizer(CHARS.source()).build();
    }

    static Trainer.Data data() {
        return new Trainer.Data(pipeline("train"), pipeline("valid"));
    }

    /** A fresh small GRU + Bahdanau model for the reverse task. */
    static ModelBundle bahdanau(long seed) {
        Vocabularies vocabularies = Vocabularies.build(pipeline("train"), VocabularyLimits.NONE, false);
        Seq2SeqSpec spec = Seq2SeqSpec.builder().vocabularies(vocabularies.source().size(), vocabularies.target().size())
                .cell(Seq2SeqSpec.Cell.GRU).attention(Seq2SeqSpec.Attention.BAHDANAU).embeddingSize(8).hiddenSize(16)
                .attentionSize(8).dropout(0.1).learningRate(5e-3).seed(seed).build();
        return new ModelBundle(spec, Seq2SeqGraphs.graph(spec), vocabularies, CHARS);
    }
}
