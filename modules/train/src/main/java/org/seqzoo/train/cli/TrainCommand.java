package org.seqzoo.train.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.seqzoo.data.DataFileException;
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
import org.seqzoo.train.Evaluation;
import org.seqzoo.train.Trainer;
import org.seqzoo.train.TrainingDivergedException;
import org.seqzoo.train.TrainingSettings;
import org.seqzoo.train.Translator;
import org.seqzoo.train.bundle.BundleException;
import org.seqzoo.train.bundle.ModelBundle;
import org.seqzoo.train.bundle.TextSettings;
import org.seqzoo.train.text.TokenizerChoice;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code seqzoo train}: trains a model on a bundled synthetic task ({@code --task}) or on a corpus
 * ({@code --train}, {@code --valid}), then prints the validation metrics and sample outputs and writes the
 * bundle, the training curves and (for attention models) an attention heat map into {@code --out}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a seq2seq model and write a bundle (model.zip), curves.png and attention.png.",
                "With no data option it trains the default model on the bundled date-normalisation task."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Where the pairs come from: a bundled task, or files. */
    static final class DataSource {
        @Option(names = "--task", paramLabel = "NAME", description = "A bundled synthetic task: copy, reverse, sort, "
                + "addition or dates (datasets/NAME/, character level).")
        String task;

        @Option(names = "--train", paramLabel = "FILE", description = "Training pairs: a TSV file, or PREFIX with "
                + "PREFIX.src and PREFIX.tgt parallel files.")
        Path train;
    }

    @ArgGroup(exclusive = true)
    private DataSource source = new DataSource();

    @Option(names = "--valid", paramLabel = "FILE", description = "Validation pairs (TSV or PREFIX); default: 5%% of "
            + "--train, split by a hash of the source side.")
    private Path valid;

    @Mixin
    private ModelOptions model;

    @Option(names = "--tokenizer", paramLabel = "NAME", converter = TokenizerChoice.Converter.class,
            description = "Tokenizer of both sides: words, words-fr, chars (default: chars for --task, words "
                    + "otherwise).", completionCandidates = TokenizerChoice.Names.class)
    private TokenizerChoice tokenizer;

    @Option(names = "--target-tokenizer", paramLabel = "NAME", converter = TokenizerChoice.Converter.class,
            description = "Tokenizer of the target side, if different (e.g. words-fr).",
            completionCandidates = TokenizerChoice.Names.class)
    private TokenizerChoice targetTokenizer;

    @Option(names = "--lowercase", description = "Lower-case all text.")
    private boolean lowercase;

    @Option(names = "--min-frequency", defaultValue = "1", description = "Drop rarer tokens from the vocabularies "
            + "(default ${DEFAULT-VALUE}).")
    private int minFrequency;

    @Option(names = {"--max-vocabulary", "--max-vocab"}, defaultValue = "30000", description = "Most tokens per vocabulary "
            + "(default ${DEFAULT-VALUE}).")
    private int maxVocabulary;

    @Option(names = "--max-length", defaultValue = "50", description = "Skip pairs with a longer side, counted "
            + "(default ${DEFAULT-VALUE} tokens).")
    private int maxLength;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default runs/<task or file name>).")
    private Path out;

    @Option(names = "--steps", defaultValue = "2000", description = "Updates to train (default ${DEFAULT-VALUE}; 0 "
            + "for no step limit).")
    private long steps;

    @Option(names = "--epochs", defaultValue = "0", description = "Passes over the training data (default: no limit).")
    private int epochs;

    @Option(names = {"--batch", "--batch-size"}, defaultValue = "64", description = "Pairs per batch (default ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--valid-every", defaultValue = "250", description = "Validate every N updates (default "
            + "${DEFAULT-VALUE}).")
    private int validEvery;

    @Option(names = "--checkpoint-every", defaultValue = "250", description = "Checkpoint every N updates (default "
            + "${DEFAULT-VALUE}).")
    private int checkpointEvery;

    @Option(names = "--stop-metric", description = "Metric for early stopping and the best model: loss, perplexity, "
            + "token_accuracy, exact_match, bleu (default: exact_match for --task, whose outputs are one 'word' each, "
            + "bleu otherwise).")
    private String stopMetric;

    @Option(names = "--patience", defaultValue = "4", description = "Stop after N validations without improvement "
            + "(0: never; default ${DEFAULT-VALUE}).")
    private int patience;

    @Option(names = "--decode-limit", defaultValue = "500", description = "Validation pairs decoded for exact match "
            + "and BLEU (default ${DEFAULT-VALUE}).")
    private int decodeLimit;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    private boolean resume;

    @Option(names = "--skip-malformed", description = "Skip malformed lines (counted) instead of failing.")
    private boolean skipMalformed;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    private boolean quiet;

    @Override
    public Integer call() {
        PrintWriter printer = spec.commandLine().getOut();
        boolean taskMode = source.train == null;
        String task = source.task != null ? source.task : (taskMode ? "dates" : null);
        Path trainFile = taskMode ? BundledTasks.file(task, "train") : source.train;
        Path validFile = valid != null ? valid : taskMode ? BundledTasks.file(task, "valid") : null;
        TokenizerChoice sourceChoice = tokenizer != null ? tokenizer : taskMode ? TokenizerChoice.CHARS : TokenizerChoice.WORDS;
        TextSettings text = new TextSettings(sourceChoice, targetTokenizer != null ? targetTokenizer : sourceChoice,
                lowercase);
        Path outDir = out != null ? out : Path.of("runs", taskMode ? task : baseName(trainFile));

        TrainingSettings settings;
        try {
            settings = TrainingSettings.builder(outDir).maxSteps(steps).maxEpochs(epochs).batchSize(batch)
                    .validEvery(validEvery).checkpointEvery(checkpointEvery)
                    .earlyStopping(stopMetric != null ? stopMetric : taskMode ? "exact_match" : "bleu", patience)
                    .decodeLimit(decodeLimit).seed(model.seed).quiet(quiet).build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Trainer.Data data = data(trainFile, validFile, text);
        Trainer.Result result;
        try {
            if (resume) {
                result = Trainer.resume(data, settings);
            } else {
                printer.printf("reading %s to build the vocabularies...%n", trainFile);
                printer.flush();
                Vocabularies vocabularies = Vocabularies.build(data.train(),
                        new VocabularyLimits(minFrequency, maxVocabulary), model.sharedEmbeddings);
                Seq2SeqSpec seq2seq = model.spec(vocabularies.source().size(), vocabularies.target().size());
                printer.printf("model %s: %s, hidden %d, attention %s; vocabularies %d / %d; output %s%n",
                        model.preset, seq2seq.cell(), seq2seq.hiddenSize(), seq2seq.attention(),
                        vocabularies.source().size(), vocabularies.target().size(), outDir);
                printer.flush();
                ModelBundle start = new ModelBundle(seq2seq, Seq2SeqGraphs.graph(seq2seq), vocabularies, text);
                result = Trainer.train(start, data, settings);
            }
        } catch (DataFileException | BundleException | TrainingDivergedException | IllegalStateException e) {
            throw new UserError(e.getMessage(), e);
        }
        report(printer, result, outDir);
        return 0;
    }

    private void report(PrintWriter printer, Trainer.Result result, Path outDir) {
        Evaluation.Report report = result.validation();
        printer.printf(Locale.ROOT, "%ntrained %d updates (%d full epochs) in %ds%s%n", result.steps(), result.epochs(),
                result.time().toSeconds(), result.stoppedEarly() ? ", stopped early" : "");
        printer.printf(Locale.ROOT, "validation: loss %.4f  perplexity %.2f  token accuracy %.2f%%", report.loss(),
                report.perplexity(), 100 * report.tokenAccuracy());
        if (report.decoded() > 0) {
            printer.printf(Locale.ROOT, "  exact match %.2f%%  BLEU %.2f (%d pairs decoded)", 100 * report.exactMatch(),
                    report.bleu().score(), report.decoded());
        }
        printer.println();
        if (!report.samples().isEmpty()) {
            printer.println("samples (source => model | reference):");
            for (Evaluation.Sample sample : report.samples()) {
                printer.printf("  %s => %s | %s%n", sample.source(), sample.hypothesis(), sample.reference());
            }
        }
        printer.printf("wrote %s, %s, %s%n", result.modelFile(), outDir.resolve(Trainer.CURVES),
                outDir.resolve(Trainer.METRICS));
        if (result.model().spec().attention() != Seq2SeqSpec.Attention.NONE && !report.samples().isEmpty()) {
            Path png = outDir.resolve("attention.png");
            Translator translator = new Translator(result.model());
            Translator.Translation t = translator.translate(List.of(report.samples().get(0).source()),
                    Translator.DecodeSettings.greedy()).get(0);
            AttentionPictures.write(png, t);
            printer.printf("wrote %s (attention for \"%s\")%n", png, t.source());
        }
        printer.flush();
    }

    private Trainer.Data data(Path trainFile, Path validFile, TextSettings text) {
        MalformedLinePolicy policy = skipMalformed ? MalformedLinePolicy.SKIP : MalformedLinePolicy.FAIL;
        PairPipeline.Builder train = PairPipeline.builder(corpus(trainFile, "--train")).sourceTokenizer(text.source())
                .targetTokenizer(text.target()).maxSourceTokens(maxLength).maxTargetTokens(maxLength)
                .onMalformedLine(policy);
        if (validFile != null) {
            PairPipeline.Builder validation = PairPipeline.builder(corpus(validFile, "--valid"))
                    .sourceTokenizer(text.source()).targetTokenizer(text.target()).maxSourceTokens(maxLength)
                    .maxTargetTokens(maxLength).onMalformedLine(policy);
            return new Trainer.Data(train.build(), validation.build());
        }
        DataSplit split = new DataSplit(0.05, 0.0, model.seed);
        return new Trainer.Data(train.split(split, SplitPart.TRAIN).build(), train.split(split, SplitPart.VALID).build());
    }

    /** A TSV file, or PREFIX.src + PREFIX.tgt; a missing file is a one-line error naming the option. */
    static PairCorpus corpus(Path file, String option) {
        if (Files.isRegularFile(file)) {
            return PairCorpus.tsv(file);
        }
        Path src = file.resolveSibling(file.getFileName() + ".src");
        Path tgt = file.resolveSibling(file.getFileName() + ".tgt");
        if (Files.isRegularFile(src) && Files.isRegularFile(tgt)) {
            return PairCorpus.parallel(src, tgt);
        }
        throw new UserError(option + " " + file + ": no such file (nor " + src.getFileName() + " + "
                + tgt.getFileName() + " parallel files)");
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Model choice: a preset and overrides. */
    static final class ModelOptions {
        @Option(names = "--model", defaultValue = Seq2SeqPresets.DEFAULT, paramLabel = "PRESET",
                description = "Model preset: gru-bahdanau, lstm-luong, gru-luong, lstm-plain, gru-plain, gru-context,"
                        + " rnn-baseline (default ${DEFAULT-VALUE}).")
        String preset;

        @Option(names = "--cell", description = "Override the cell: ${COMPLETION-CANDIDATES}.")
        Seq2SeqSpec.Cell cell;

        @Option(names = "--attention", description = "Override the attention: ${COMPLETION-CANDIDATES}.")
        Seq2SeqSpec.Attention attention;

        @Option(names = "--bridge", description = "Override the bridge: ${COMPLETION-CANDIDATES}.")
        Seq2SeqSpec.Bridge bridge;

        @Option(names = "--hidden", description = "Override the hidden size.")
        Integer hidden;

        @Option(names = "--embedding", description = "Override the embedding size.")
        Integer embedding;

        @Option(names = "--layers", description = "Override encoder and decoder layers.")
        Integer layers;

        @Option(names = "--bidirectional", negatable = true, description = "Override: bidirectional encoder.")
        Boolean bidirectional;

        @Option(names = "--reverse-source", negatable = true, description = "Override: feed the source backwards.")
        Boolean reverseSource;

        @Option(names = "--dropout", description = "Override the dropout probability.")
        Double dropout;

        @Option(names = "--shared-embeddings", description = "One vocabulary and embedding for both sides.")
        boolean sharedEmbeddings;

        @Option(names = "--lr", description = "Override Adam's learning rate.")
        Double learningRate;

        @Option(names = "--lr-decay", paramLabel = "FACTOR", description = "Multiply the learning rate by FACTOR "
                + "(in (0, 1]) every --lr-decay-every updates (default: constant).")
        Double learningRateDecay;

        @Option(names = "--lr-decay-every", paramLabel = "N", defaultValue = "1000",
                description = "Updates between learning-rate decays (default ${DEFAULT-VALUE}).")
        int learningRateDecaySteps;

        @Option(names = "--seed", defaultValue = "12345", description = "Seed of initialisation, data order and "
                + "dropout (default ${DEFAULT-VALUE}).")
        long seed;

        Seq2SeqSpec spec(int sourceVocabulary, int targetVocabulary) {
            try {
                Seq2SeqSpec.Builder b = Seq2SeqPresets.builder(preset, sourceVocabulary, targetVocabulary).seed(seed)
                        .sharedEmbeddings(sharedEmbeddings);
                Seq2SeqSpec base = b.build();
                if (cell != null) {
                    b.cell(cell);
                }
                if (attention != null) {
                    b.attention(attention);
                }
                if (bridge != null) {
                    b.bridge(bridge);
                }
                if (hidden != null) {
                    b.hiddenSize(hidden);
                }
                if (embedding != null) {
                    b.embeddingSize(embedding);
                }
                if (layers != null) {
                    b.layers(layers, base.attention() == Seq2SeqSpec.Attention.BAHDANAU
                            && (attention == null || attention == Seq2SeqSpec.Attention.BAHDANAU) ? 1 : layers);
                }
                if (bidirectional != null) {
                    b.bidirectionalEncoder(bidirectional);
                }
                if (reverseSource != null) {
                    b.reverseSource(reverseSource);
                }
                if (dropout != null) {
                    b.dropout(dropout);
                }
                if (learningRate != null) {
                    b.learningRate(learningRate);
                }
                if (learningRateDecay != null) {
                    b.learningRateDecay(learningRateDecay, learningRateDecaySteps);
                }
                return b.build();
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
    }
}
