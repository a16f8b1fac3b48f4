package org.seqzoo.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.seqzoo.data.batch.LabelFormat;
import org.seqzoo.data.batch.Seq2SeqBatchIterator;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.tasks.SequenceTask;
import org.seqzoo.data.tasks.SyntheticDataset;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.VocabularyLimits;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.Evaluation;
import org.seqzoo.train.Trainer;
import org.seqzoo.train.TrainingSettings;
import org.seqzoo.train.bundle.ModelBundle;
import org.seqzoo.train.bundle.TextSettings;
import org.seqzoo.train.metrics.DecodedMetrics;
import org.seqzoo.train.text.TokenizerChoice;

/**
 * The encoding bottleneck (Bahdanau et al. 2014, Fig. 2), reproduced on the copy task with sources of 5–40
 * symbols: a plain GRU encoder–decoder (fixed-size context), the same fed the source backwards (Sutskever et al.
 * 2014) and a GRU with Bahdanau attention, same sizes and the same number of updates, evaluated by greedy
 * decoding on an unseen test set and tabulated by source length. Expected: the fixed context degrades with
 * length, reversal helps, attention holds up. (Copy, not reverse: reversing the source of the reverse task
 * would put the first output token farthest from the decoder, the opposite of Sutskever's remedy.) Writes
 * {@code runs/bottleneck/table.md}.
 * Run: {@code ./seqzoo example bottleneck [STEPS]} (default 3000 per model; about 45 minutes on 2 cores).
 */
public final class BottleneckExperiment {

    private BottleneckExperiment() {
    }

    public static void main(String[] args) {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : 3000;
        Path out = Path.of("runs", "bottleneck");
        SequenceTask task = new SequenceTask(SequenceTask.Kind.COPY, SequenceTask.DEFAULT_ALPHABET, 5, 40);
        Path train = out.resolve("train.tsv");
        Path valid = out.resolve("valid.tsv");
        Path test = out.resolve("test.tsv");
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SyntheticDataset.write(task, 30_000, 1, Set.of(), train);
        SyntheticDataset.write(task, 300, 2, Set.of(), valid);
        SyntheticDataset.write(task, 1_200, 3, Set.of(), test);
        TextSettings text = new TextSettings(TokenizerChoice.CHARS, TokenizerChoice.CHARS, false);
        PairPipeline trainPairs = pipeline(train, text);
        Vocabularies vocabularies = Vocabularies.build(trainPairs, VocabularyLimits.NONE, false);

        Seq2SeqSpec.Builder base = Seq2SeqSpec.builder().vocabularies(vocabularies.source().size(),
                vocabularies.target().size()).cell(Seq2SeqSpec.Cell.GRU).embeddingSize(32).hiddenSize(128)
                .attentionSize(64).learningRate(2e-3).seed(11);
        Map<String, Seq2SeqSpec> models = new LinkedHashMap<>();
        models.put("plain encoder-decoder", base.bridge(Seq2SeqSpec.Bridge.INITIAL_STATE).build());
        models.put("plain, source reversed", base.reverseSource(true).build());
        models.put("Bahdanau attention", base.reverseSource(false).attention(Seq2SeqSpec.Attention.BAHDANAU).build());

        Map<String, Evaluation.Report> reports = new LinkedHashMap<>();
        for (Map.Entry<String, Seq2SeqSpec> model : models.entrySet()) {
            System.out.printf("%n== %s: %d updates ==%n", model.getKey(), steps);
            Path dir = out.resolve(model.getKey().replaceAll("[^a-z]+", "-"));
            Trainer.Result result = Trainer.train(new ModelBundle(model.getValue(),
                    Seq2SeqGraphs.graph(model.getValue()), vocabularies, text),
                    new Trainer.Data(trainPairs, pipeline(valid, text)), TrainingSettings.builder(dir).maxSteps(steps)
                            .validEvery(500).checkpointEvery(500).earlyStopping("exact_match", 0).decodeLimit(300)
                            .seed(11).build());
            try (Seq2SeqBatchIterator batches = Seq2SeqBatchIterator.builder(pipeline(test, text), vocabularies)
                    .batchSize(100).labels(LabelFormat.INDICES).build()) {
                Evaluation.Report report = Evaluation.run(result.model().graph(), result.model().spec(), vocabularies,
                        text.source(), text.target(), batches, Integer.MAX_VALUE, 0);
                reports.put(model.getKey(), report);
                System.out.println(report.lengthTable());
            }
        }
        String table = table(reports, steps);
        System.out.println(table);
        try {
            Files.writeString(out.resolve("table.md"), table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PairPipeline pipeline(Path file, TextSettings text) {
        return PairPipeline.builder(PairCorpus.tsv(file)).tokenizer(text.source()).build();
    }

    /** Exact match (token accuracy) per model and source-length bucket, as a Markdown table. */
    private static String table(Map<String, Evaluation.Report> reports, long steps) {
        List<String> labels = new ArrayList<>();
        for (DecodedMetrics.Bucket bucket : reports.values().iterator().next().buckets()) {
            if (bucket.count() > 0) {
                labels.add(bucket.label());
            }
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "Exact match %% (token accuracy %%) on 1,200 unseen copy-task sources, by source length; "
                        + "GRU, hidden 128, %d updates of 64 pairs each.%n%n| model |", steps));
        labels.forEach(label -> out.append(' ').append(label).append(" |"));
        out.append(" all |\n|---|");
        labels.forEach(label -> out.append("---:|"));
        out.append("---:|\n");
        reports.forEach((name, report) -> {
            out.append("| ").append(name).append(" |");
            for (DecodedMetrics.Bucket bucket : report.buckets()) {
                if (labels.contains(bucket.label())) {
                    out.append(String.format(Locale.ROOT, " %.1f (%.1f) |", 100 * bucket.exactMatch(),
                            100 * bucket.tokenAccuracy()));
                }
            }
            out.append(String.format(Locale.ROOT, " %.1f (%.1f) |%n", 100 * report.exactMatch(),
                    100 * report.decodedTokenAccuracy()));
        });
        return out.toString();
    }
}
