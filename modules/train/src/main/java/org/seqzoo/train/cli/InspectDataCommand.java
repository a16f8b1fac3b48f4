package org.seqzoo.train.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.batch.PaddingStats;
import org.seqzoo.data.batch.Seq2SeqBatchIterator;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.LengthHistogram;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.pipeline.TokenPair;
import org.seqzoo.data.text.Tokenizer;
import org.seqzoo.data.vocab.TokenCounts;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.Vocabulary;
import org.seqzoo.data.vocab.VocabularyLimits;

import org.seqzoo.train.text.TokenizerChoice;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code seqzoo inspect-data FILE [TARGET_FILE]}: streams a pair corpus through seqzoo's data pipeline twice,
 * as training would, and prints what it found: lines read, pairs, lines skipped by reason, token counts,
 * vocabulary sizes and unknown-token rates, length histograms, padding with and without bucketing, and pairs
 * per second for reading + tokenising and for the whole path to batches.
 */
@Command(name = "inspect-data", mixinStandardHelpOptions = true,
        description = "Stream a pair corpus through the data pipeline and print pairs, skipped lines, tokens, "
                + "vocabulary sizes, length histograms and throughput.")
final class InspectDataCommand implements Callable<Integer> {

    private static final int HISTOGRAM_ROWS = 16;
    private static final int BAR_WIDTH = 40;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..2", paramLabel = "FILE", description = "A TSV corpus (source<TAB>target, further "
            + "columns ignored), or the source and target files of a parallel corpus.")
    private List<Path> files;

    @Option(names = "--tokenizer", paramLabel = "NAME", defaultValue = "words", converter = TokenizerChoice.Converter.class,
            description = "Tokenizer of both sides: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).",
            completionCandidates = TokenizerChoice.Names.class)
    private TokenizerChoice tokenizer;

    @Option(names = "--source-tokenizer", paramLabel = "NAME", converter = TokenizerChoice.Converter.class,
            description = "Tokenizer of the source side, if different.", completionCandidates = TokenizerChoice.Names.class)
    private TokenizerChoice sourceTokenizer;

    @Option(names = "--target-tokenizer", paramLabel = "NAME", converter = TokenizerChoice.Converter.class,
            description = "Tokenizer of the target side, if different (words-fr: French spacing in samples).",
            completionCandidates = TokenizerChoice.Names.class)
    private TokenizerChoice targetTokenizer;

    @Option(names = "--lowercase", description = "Lower-case the text before tokenising.")
    private boolean lowercase;

    @Option(names = "--skip-malformed", description = "Skip and count malformed lines instead of stopping at the first.")
    private boolean skipMalformed;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Skip (and count) pairs with a side of more tokens (as in train); per side below.")
    private Integer maxLength;

    @Option(names = "--max-source-len", paramLabel = "N", description = "Skip (and count) pairs with more source tokens.")
    private Integer maxSourceLength;

    @Option(names = "--max-target-len", paramLabel = "N", description = "Skip (and count) pairs with more target tokens.")
    private Integer maxTargetLength;

    @Option(names = "--min-frequency", paramLabel = "N", defaultValue = "1",
            description = "Rarer tokens become <unk> (default ${DEFAULT-VALUE}).")
    private int minFrequency;

    @Option(names = {"--max-vocabulary", "--max-vocab"}, paramLabel = "N",
            description = "Largest vocabulary, the 4 specials included.")
    private Integer maxVocabulary;

    @Option(names = "--shared-vocab", description = "One vocabulary for both sides.")
    private boolean sharedVocabulary;

    @Option(names = "--save-vocab", paramLabel = "PREFIX",
            description = "Write the vocabularies to PREFIX.source.vocab and PREFIX.target.vocab (PREFIX.vocab if shared).")
    private String saveVocabulary;

    @Option(names = {"--batch", "--batch-size"}, paramLabel = "N", defaultValue = "64",
            description = "Pairs per batch in the batching pass (default ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--bucketing", paramLabel = "BATCHES", defaultValue = "50",
            description = "Bucketing pool, in batches, for the batching pass; 0 for none (default ${DEFAULT-VALUE}).")
    private int bucketing;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "3",
            description = "Pairs to show tokenised (default ${DEFAULT-VALUE}).")
    private int samples;

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PairCorpus corpus = files.size() == 1 ? PairCorpus.tsv(files.get(0)) : PairCorpus.parallel(files.get(0), files.get(1));
        TokenizerChoice sourceChoice = sourceTokenizer != null ? sourceTokenizer : tokenizer;
        TokenizerChoice targetChoice = targetTokenizer != null ? targetTokenizer : tokenizer;
        PairPipeline.Builder builder = PairPipeline.builder(corpus)
                .sourceTokenizer(sourceChoice.create(lowercase)).targetTokenizer(targetChoice.create(lowercase))
                .onMalformedLine(skipMalformed ? MalformedLinePolicy.SKIP : MalformedLinePolicy.FAIL);
        if (maxLength != null) {
            builder.maxSourceTokens(maxLength).maxTargetTokens(maxLength);
        }
        if (maxSourceLength != null) {
            builder.maxSourceTokens(maxSourceLength);
        }
        if (maxTargetLength != null) {
            builder.maxTargetTokens(maxTargetLength);
        }
        PairPipeline pipeline = builder.build();
        try {
            inspect(pipeline, sourceChoice, targetChoice, out);
        } catch (DataFileException e) {
            throw new UserError(e.getMessage(), e);
        }
        return 0;
    }

    private void validate() {
        if (minFrequency < 1 || batchSize < 1 || bucketing < 0 || samples < 0
                || (maxVocabulary != null && maxVocabulary <= Vocabulary.SPECIALS.size())
                || (maxSourceLength != null && maxSourceLength < 1) || (maxTargetLength != null && maxTargetLength < 1)
                || (maxLength != null && maxLength < 1)) {
            throw new ParameterException(spec.commandLine(), "out of range: need --min-frequency >= 1, --batch-size >= 1, "
                    + "--bucketing >= 0, --samples >= 0, --max-vocab > 4, --max-source-len and --max-target-len >= 1");
        }
    }

    private void inspect(PairPipeline pipeline, TokenizerChoice sourceChoice, TokenizerChoice targetChoice,
            PrintWriter out) {
        TokenCounts sourceCounts = new TokenCounts();
        TokenCounts targetCounts = new TokenCounts();
        LengthHistogram sourceLengths = new LengthHistogram();
        LengthHistogram targetLengths = new LengthHistogram();
        List<TokenPair> shown = new ArrayList<>();
        BatchPadding corpusOrderPadding = new BatchPadding(batchSize);
        long start = System.nanoTime();
        CorpusReport report;
        try (PairPipeline.Pass pass = pipeline.open()) {
            while (pass.hasNext()) {
                TokenPair pair = pass.next();
                sourceCounts.addAll(pair.source());
                targetCounts.addAll(pair.target());
                sourceLengths.add(pair.source().size());
                targetLengths.add(pair.target().size());
                corpusOrderPadding.add(pair.source().size(), pair.target().size());
                if (shown.size() < samples) {
                    shown.add(pair);
                }
            }
            report = pass.report();
        }
        double countingSeconds = (System.nanoTime() - start) / 1e9;
        if (report.pairs() == 0) {
            throw new UserError(pipeline.corpus() + ": no pairs (" + report + ")");
        }
        VocabularyLimits limits = new VocabularyLimits(minFrequency, maxVocabulary == null ? Integer.MAX_VALUE : maxVocabulary);
        Vocabularies vocabularies = Vocabularies.fromCounts(sourceCounts, targetCounts, limits, sharedVocabulary);

        out.printf(Locale.ROOT, "corpus       %s (%s)%n", pipeline.corpus(), files.size() == 1 ? "TSV" : "parallel files");
        out.printf(Locale.ROOT, "tokenizers   source %s, target %s%s%n", sourceChoice, targetChoice,
                lowercase ? ", lower-cased" : "");
        out.printf(Locale.ROOT, "lines        %,d read: %,d pairs, %s%n", report.linesRead(), report.pairs(),
                report.describeSkipped());
        out.printf(Locale.ROOT, "tokens       source %,d (%.1f per pair, %,d distinct), target %,d (%.1f per pair, %,d distinct)%n",
                sourceCounts.total(), sourceLengths.mean(), sourceCounts.distinct(),
                targetCounts.total(), targetLengths.mean(), targetCounts.distinct());
        out.printf(Locale.ROOT, "vocabulary   %s (min frequency %d, %s, 4 specials included); <unk> rate source %.2f%%, target %.2f%%%n",
                vocabularies.shared() ? String.format(Locale.ROOT, "shared %,d", vocabularies.source().size())
                        : String.format(Locale.ROOT, "source %,d, target %,d", vocabularies.source().size(),
                                vocabularies.target().size()),
                minFrequency, maxVocabulary == null ? "no size limit" : "at most " + maxVocabulary,
                unknownRate(sourceCounts, vocabularies.source()), unknownRate(targetCounts, vocabularies.target()));
        saveVocabularies(vocabularies, out);
        printHistogram(out, "source", sourceLengths);
        printHistogram(out, "target", targetLengths);
        printSamples(out, shown, pipeline.sourceTokenizer(), pipeline.targetTokenizer());

        out.printf(Locale.ROOT, "speed        read + tokenise + count: %,d pairs in %.2f s = %,.0f pairs/s%n",
                report.pairs(), countingSeconds, report.pairs() / countingSeconds);
        batchPass(pipeline, vocabularies, corpusOrderPadding.stats(), out);
    }

    private void batchPass(PairPipeline pipeline, Vocabularies vocabularies, PaddingStats corpusOrder, PrintWriter out) {
        Nd4j.scalar(0f); // load ND4J's native backend before the clock starts: a one-time cost, not the pipeline's
        long start = System.nanoTime();
        long batches = 0;
        try (Seq2SeqBatchIterator iterator = Seq2SeqBatchIterator.builder(pipeline, vocabularies)
                .batchSize(batchSize).bucketing(bucketing).build()) {
            while (iterator.hasNext()) {
                iterator.next();
                batches++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long pairs = iterator.report().pairs();
            out.printf(Locale.ROOT, "             + encode + batch (%d per batch, %s): %,d batches in %.2f s = %,.0f pairs/s%n",
                    batchSize, bucketing == 0 ? "no bucketing" : "bucketing pool of " + bucketing + " batches",
                    batches, seconds, pairs / seconds);
            out.printf(Locale.ROOT, "padding      %.1f%% of time steps%s%n", 100 * iterator.padding().paddedFraction(),
                    bucketing == 0 ? "" : String.format(Locale.ROOT, " with bucketing, %.1f%% in corpus order",
                            100 * corpusOrder.paddedFraction()));
        }
    }

    private static double unknownRate(TokenCounts counts, Vocabulary vocabulary) {
        return counts.total() == 0 ? 0 : 100.0 * (counts.total() - counts.covered(vocabulary)) / counts.total();
    }

    private void saveVocabularies(Vocabularies vocabularies, PrintWriter out) {
        if (saveVocabulary == null) {
            return;
        }
        List<Path> written = new ArrayList<>();
        if (vocabularies.shared()) {
            written.add(Path.of(saveVocabulary + ".vocab"));
            vocabularies.source().save(written.get(0));
        } else {
            written.add(Path.of(saveVocabulary + ".source.vocab"));
            written.add(Path.of(saveVocabulary + ".target.vocab"));
            vocabularies.source().save(written.get(0));
            vocabularies.target().save(written.get(1));
        }
        out.printf("saved        %s%n", String.join(", ", written.stream().map(DataFileException::displayName).toList()));
    }

    private static void printHistogram(PrintWriter out, String side, LengthHistogram lengths) {
        out.printf(Locale.ROOT, "%n%s length (tokens): min %d, median %d, 90%% %d, 99%% %d, max %d%n", side,
                lengths.percentile(0), lengths.percentile(0.5), lengths.percentile(0.9), lengths.percentile(0.99),
                lengths.max());
        lengths.render(HISTOGRAM_ROWS, BAR_WIDTH).forEach(out::println);
    }

    private static void printSamples(PrintWriter out, List<TokenPair> shown, Tokenizer source, Tokenizer target) {
        if (shown.isEmpty()) {
            out.println();
            return;
        }
        out.printf("%nsamples (tokens separated by spaces; then detokenised)%n");
        for (TokenPair pair : shown) {
            out.printf("  %s:%d%n", pair.text().sourceFile(), pair.text().line());
            out.printf("    source  %s%n            %s%n", String.join(" ", pair.source()), source.detokenize(pair.source()));
            out.printf("    target  %s%n            %s%n", String.join(" ", pair.target()), target.detokenize(pair.target()));
        }
        out.println();
    }

    /** Padding of batches of consecutive pairs (corpus order, no bucketing), from their lengths alone. */
    private static final class BatchPadding {
        private final int[] sourceLengths;
        private final int[] targetLengths;
        private int size;
        private PaddingStats total = PaddingStats.NONE;

        BatchPadding(int batchSize) {
            sourceLengths = new int[batchSize];
            targetLengths = new int[batchSize];
        }

        void add(int sourceLength, int targetLength) {
            sourceLengths[size] = sourceLength;
            targetLengths[size] = targetLength;
            if (++size == sourceLengths.length) {
                flush();
            }
        }

        PaddingStats stats() {
            flush();
            return total;
        }

        private void flush() {
            if (size > 0) {
                total = total.plus(PaddingStats.ofBatch(sourceLengths, targetLengths, size));
                size = 0;
            }
        }
    }
}
