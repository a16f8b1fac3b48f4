package org.seqzoo.train.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.batch.LabelFormat;
import org.seqzoo.data.batch.Seq2SeqBatchIterator;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.train.Evaluation;
import org.seqzoo.train.bundle.ModelBundle;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code seqzoo evaluate BUNDLE --test FILE}: loss, perplexity, token accuracy (teacher forcing), exact match and
 * BLEU (greedy decoding), and a table of the decoded metrics by source length.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure a model bundle on a test corpus: loss, perplexity, token accuracy, exact match, BLEU, "
                + "and a table by source length.")
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "A model bundle (model.zip from train).")
    private Path bundleFile;

    @Option(names = "--test", required = true, paramLabel = "FILE", description = "Test pairs: TSV, or PREFIX with "
            + "PREFIX.src/.tgt.")
    private Path test;

    @Option(names = "--decode-limit", defaultValue = "100000", description = "Pairs decoded for exact match and BLEU "
            + "(default: all up to ${DEFAULT-VALUE}).")
    private int decodeLimit;

    @Option(names = "--batch", defaultValue = "64", description = "Pairs per batch (default ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--skip-malformed", description = "Skip malformed lines (counted) instead of failing.")
    private boolean skipMalformed;

    @Override
    public Integer call() {
        ModelBundle bundle = BundleArgument.load(bundleFile);
        PairPipeline pipeline = PairPipeline.builder(TrainCommand.corpus(test, "--test"))
                .sourceTokenizer(bundle.text().source()).targetTokenizer(bundle.text().target())
                .onMalformedLine(skipMalformed ? MalformedLinePolicy.SKIP : MalformedLinePolicy.FAIL).build();
        Evaluation.Report report;
        try (Seq2SeqBatchIterator batches = Seq2SeqBatchIterator.builder(pipeline, bundle.vocabularies())
                .batchSize(batch).labels(bundle.spec().sparseLabels() ? LabelFormat.INDICES : LabelFormat.ONE_HOT)
                .build()) {
            report = Evaluation.run(bundle.graph(), bundle.spec(), bundle.vocabularies(), bundle.text().source(),
                    bundle.text().target(), batches, decodeLimit, 0);
        } catch (DataFileException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s on %s%n", bundleFile, test);
        out.printf(Locale.ROOT, "  loss %.4f  perplexity %.3f  token accuracy %.2f%%  (%d target tokens)%n",
                report.loss(), report.perplexity(), 100 * report.tokenAccuracy(), report.tokens());
        if (report.decoded() > 0) {
            out.printf(Locale.ROOT, "  exact match %.2f%%  decoded token accuracy %.2f%%  (%d pairs, greedy)%n",
                    100 * report.exactMatch(), 100 * report.decodedTokenAccuracy(), report.decoded());
            out.println("  " + report.bleu());
            out.println();
            out.println(report.lengthTable());
        }
        out.flush();
        return 0;
    }
}
