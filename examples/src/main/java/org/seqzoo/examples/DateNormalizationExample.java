package org.seqzoo.examples;

import java.nio.file.Path;
import java.util.List;

import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.VocabularyLimits;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqPresets;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.Trainer;
import org.seqzoo.train.TrainingSettings;
import org.seqzoo.train.Translator;
import org.seqzoo.train.bundle.ModelBundle;
import org.seqzoo.train.bundle.TextSettings;
import org.seqzoo.train.text.TokenizerChoice;

/**
 * Date normalisation with a plain LSTM encoder–decoder (no attention): human dates in 15 English formats
 * ({@code "Wed, Mar 3 2021"}, {@code "3rd of March 2021"}, {@code "03/03/2021"} …) to ISO {@code 2021-03-03},
 * character by character, from the bundled {@code datasets/dates}. The fixed-size context is enough here:
 * inputs are short. Run: {@code ./seqzoo example dates [STEPS]} (default 3000).
 */
public final class DateNormalizationExample {

    private DateNormalizationExample() {
    }

    public static void main(String[] args) {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : 3000;
        Path datasets = Path.of(System.getProperty("seqzoo.home", ".")).resolve("datasets/dates");
        TextSettings text = new TextSettings(TokenizerChoice.CHARS, TokenizerChoice.CHARS, false);
        PairPipeline train = PairPipeline.builder(PairCorpus.tsv(datasets.resolve("train.tsv"))).tokenizer(text.source())
                .build();
        PairPipeline valid = PairPipeline.builder(PairCorpus.tsv(datasets.resolve("valid.tsv"))).tokenizer(text.source())
                .build();
        Vocabularies vocabularies = Vocabularies.build(train, VocabularyLimits.NONE, false);
        Seq2SeqSpec spec = Seq2SeqPresets.builder("lstm-plain", vocabularies.source().size(),
                vocabularies.target().size()).hiddenSize(128).embeddingSize(32).learningRate(3e-3).build();
        ModelBundle model = new ModelBundle(spec, Seq2SeqGraphs.graph(spec), vocabularies, text);

        Trainer.Result result = Trainer.train(model, new Trainer.Data(train, valid),
                TrainingSettings.builder(Path.of("runs", "dates-lstm")).maxSteps(steps).earlyStopping("exact_match", 4)
                        .build());
        System.out.printf("after %d updates: exact match %.1f%%, token accuracy %.1f%% (validation, %d pairs)%n",
                result.steps(), 100 * result.validation().exactMatch(), 100 * result.validation().tokenAccuracy(),
                result.validation().decoded());

        Translator translator = new Translator(result.model());
        for (Translator.Translation t : translator.translate(List.of("3 March 2021", "Wednesday, March 3, 2021",
                "12/25/1999", "1st of January 2000", "Sat, Jul 4 1987"), Translator.DecodeSettings.greedy())) {
            System.out.printf("  %-28s -> %s%n", t.source(), t.best().text());
        }
        System.out.println("model: " + result.modelFile());
    }
}
