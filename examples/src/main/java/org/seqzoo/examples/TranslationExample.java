package org.seqzoo.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.DataSplit;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.pipeline.SplitPart;
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
 * Translation with a GRU encoder–decoder and Bahdanau attention on a tab-separated corpus — the Tatoeba /
 * manythings.org format works as it is ({@code english<TAB>french<TAB>attribution}; see datasets/README.md to
 * download it). Words are tokenised (French spacing on the target side), rare words become {@code <unk>}, 5% of
 * the pairs (by a hash of the English side) are held out for validation. Writes the model and an attention heat
 * map to {@code runs/translation/}. Run: {@code ./seqzoo example translation FILE [STEPS]}.
 */
public final class TranslationExample {

    private TranslationExample() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("usage: ./seqzoo example translation PAIRS.tsv [STEPS]  (e.g. fra.txt from "
                    + "https://www.manythings.org/anki/, see datasets/README.md)");
            System.exit(2);
        }
        long steps = args.length > 1 ? Long.parseLong(args[1]) : 4000;
        TextSettings text = new TextSettings(TokenizerChoice.WORDS, TokenizerChoice.WORDS_FR, true);
        DataSplit split = new DataSplit(0.05, 0.0, 7);
        PairPipeline.Builder pairs = PairPipeline.builder(PairCorpus.tsv(Path.of(args[0])))
                .sourceTokenizer(text.source()).targetTokenizer(text.target()).maxSourceTokens(20).maxTargetTokens(20)
                .onMalformedLine(MalformedLinePolicy.SKIP);
        PairPipeline train = pairs.split(split, SplitPart.TRAIN).build();
        PairPipeline valid = pairs.split(split, SplitPart.VALID).build();
        Vocabularies vocabularies = Vocabularies.build(train, new VocabularyLimits(2, 20_000), false);
        Seq2SeqSpec spec = Seq2SeqPresets.builder("gru-bahdanau", vocabularies.source().size(),
                vocabularies.target().size()).embeddingSize(128).hiddenSize(256).attentionSize(128).dropout(0.2)
                .build();
        System.out.printf("vocabularies: %d English, %d French tokens%n", vocabularies.source().size(),
                vocabularies.target().size());

        Path out = Path.of("runs", "translation");
        Trainer.Result result = Trainer.train(new ModelBundle(spec, Seq2SeqGraphs.graph(spec), vocabularies, text),
                new Trainer.Data(train, valid), TrainingSettings.builder(out).maxSteps(steps).validEvery(500)
                        .checkpointEvery(500).build());
        System.out.printf("validation: BLEU %.2f, exact match %.1f%%, perplexity %.2f%n",
                result.validation().bleu().score(), 100 * result.validation().exactMatch(),
                result.validation().perplexity());

        Translator translator = new Translator(result.model());
        List<String> sentences = List.of("I am hungry.", "Where is the station?", "We will see you tomorrow.",
                "She doesn't like cats.", "It's raining.");
        List<Translator.Translation> translations = translator.translate(sentences,
                new Translator.DecodeSettings(5, 1, 0, 0.6, 16));
        for (Translator.Translation t : translations) {
            System.out.printf("  %-28s -> %s%n", t.source(), t.best().text());
        }
        System.out.println("model: " + result.modelFile() + "  (./seqzoo translate " + result.modelFile()
                + " \"...\" --beam 5 --attention-png attention.png)");
    }
}
