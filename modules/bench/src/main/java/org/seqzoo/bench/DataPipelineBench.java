package org.seqzoo.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.batch.Seq2SeqBatchIterator;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.corpus.PairRecordReader;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.VocabularyLimits;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./seqzoo bench data}: throughput and heap of the data pipeline on a generated word-level corpus
 * (default 1,000,000 pairs, 1-20 tokens a side, Zipf-distributed words, punctuation and French elisions),
 * stage by stage, each stage a full pass including everything before it: raw line reading (baseline), the
 * DataVec pair reader, the vocabulary pass (read + normalise + tokenise + count), and the batch iterator
 * (read + tokenise + encode + shuffle buffer + length buckets + vectorise into masked MultiDataSets), without
 * and with prefetch. Streaming means the heap does not grow with the corpus: run it with
 * {@code SEQZOO_JAVA_OPTS=-Xmx256m ./seqzoo bench data} (the launcher's own -Xmx comes first; the later one
 * wins). Target: at least 100,000 pairs/s for the batch iterator.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Data pipeline throughput (pairs/s) and peak heap on a generated 1,000,000-pair corpus.")
final class DataPipelineBench implements Callable<Integer> {

    private static final String[] END_MARKS = {".", "?", "!"};

    @Option(names = "--pairs", defaultValue = "1000000", description = "Pairs in the generated corpus (default ${DEFAULT-VALUE}).")
    long pairs;
    @Option(names = "--max-len", defaultValue = "20", description = "Most tokens a side (default ${DEFAULT-VALUE}).")
    int maxLength;
    @Option(names = "--words", defaultValue = "20000", description = "Distinct words in the generated corpus (default ${DEFAULT-VALUE}).")
    int words;
    @Option(names = "--batch", defaultValue = "64", description = "Pairs per batch (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--shuffle", defaultValue = "10000", description = "Shuffle buffer, pairs (default ${DEFAULT-VALUE}).")
    int shuffle;
    @Option(names = "--bucketing", defaultValue = "50", description = "Bucketing pool, batches (default ${DEFAULT-VALUE}).")
    int bucketing;
    @Option(names = "--prefetch", defaultValue = "4", description = "Prefetch queue, batches (default ${DEFAULT-VALUE}).")
    int prefetch;
    @Option(names = "--keep", description = "Keep the generated corpus (its path is printed).")
    boolean keep;

    @Override
    public Integer call() throws IOException {
        System.out.println(BenchEnvironment.describe());
        System.out.printf(Locale.ROOT, "max heap (-Xmx): %d MB%n", Runtime.getRuntime().maxMemory() >> 20);
        Path dir = Files.createTempDirectory("seqzoo-bench-data");
        Path file = dir.resolve("pairs.tsv");
        try {
            long start = System.nanoTime();
            writeCorpus(file);
            System.out.printf(Locale.ROOT, "corpus: %,d pairs, %,d MB, generated in %.1f s: %s%n%n", pairs,
                    Files.size(file) >> 20, (System.nanoTime() - start) / 1e9, file);
            run(file);
        } finally {
            if (!keep) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        }
        return 0;
    }

    private void run(Path file) {
        PairCorpus corpus = PairCorpus.tsv(file);
        PairPipeline pipeline = PairPipeline.builder(corpus).build();
        System.out.printf(Locale.ROOT, "%-62s %8s %12s %14s %14s%n", "stage (each a full pass)", "seconds", "pairs/s",
                "peak heap MB", "after GC MB");
        stage("lines: BufferedReader.readLine (baseline)", () -> countLines(file));
        stage("pairs: PairRecordReader (strict UTF-8, DataVec reader)", () -> countPairs(corpus));
        Vocabularies[] vocabularies = new Vocabularies[1];
        stage("vocabulary pass: read + normalise + tokenise + count", () -> {
            vocabularies[0] = Vocabularies.build(pipeline, new VocabularyLimits(1, 30_000), false);
            return pairs;
        });
        System.out.printf(Locale.ROOT, "  (vocabularies: source %,d, target %,d)%n", vocabularies[0].source().size(),
                vocabularies[0].target().size());
        String settings = String.format(Locale.ROOT, "batch %d, shuffle %d, buckets %d", batch, shuffle, bucketing);
        for (int queue : new int[] {0, prefetch}) {
            Seq2SeqBatchIterator iterator = Seq2SeqBatchIterator.builder(pipeline, vocabularies[0]).batchSize(batch)
                    .shuffleBuffer(shuffle).bucketing(bucketing).prefetch(queue).build();
            stage(queue == 0 ? "batches: ... + encode + " + settings
                    : "batches, prefetch " + queue + ": the same on a background thread", () -> countBatches(iterator));
            System.out.printf(Locale.ROOT, "  (%,d pairs, padding %.1f%% of time steps)%n", iterator.report().pairs(),
                    100 * iterator.padding().paddedFraction());
        }
        System.out.println("peak heap: the heap pools' peak use during the stage, summed (an upper bound); after GC: "
                + "heap in use after a full GC at the stage's end");
    }

    private static long countBatches(Seq2SeqBatchIterator iterator) {
        try (iterator) {
            while (iterator.hasNext()) {
                iterator.next();
            }
            return iterator.report().pairs();
        }
    }

    /** Times one pass; prints seconds, pairs/s, the heap's peak during it and its size after a full GC. */
    private static void stage(String name, LongSupplier pass) {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        long count = pass.getAsLong();
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.gc();
        long afterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "%-62s %8.2f %,12.0f %14d %14d%n", name, seconds, count / seconds, peak >> 20,
                afterGc >> 20);
    }

    private static long countLines(Path file) {
        long lines = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            while (reader.readLine() != null) {
                lines++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static long countPairs(PairCorpus corpus) {
        long count = 0;
        PairRecordReader reader = corpus.open(MalformedLinePolicy.FAIL);
        while (reader.hasNext()) {
            reader.nextPair();
            count++;
        }
        reader.close();
        return count;
    }

    /**
     * The benchmark corpus: per pair two sentences of 1..maxLength tokens (the target's length near the
     * source's), words drawn with Zipf(1) frequencies from a fixed random lexicon, an end mark, sometimes a
     * comma or a French elision ("l'homme"), so that the tokenizer's slow paths are exercised.
     */
    private void writeCorpus(Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        String[] lexicon = new String[words];
        double[] cumulative = new double[words];
        double total = 0;
        for (int i = 0; i < words; i++) {
            char[] letters = new char[random.nextInt(2, 11)];
            for (int k = 0; k < letters.length; k++) {
                letters[k] = (char) ('a' + random.nextInt(26));
            }
            lexicon[i] = new String(letters);
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder(256);
            for (long p = 0; p < pairs; p++) {
                line.setLength(0);
                int sourceLength = random.nextInt(1, maxLength + 1);
                int targetLength = Math.max(1, Math.min(maxLength, sourceLength + random.nextInt(-3, 4)));
                sentence(line, sourceLength, lexicon, cumulative, random);
                line.append('\t');
                sentence(line, targetLength, lexicon, cumulative, random);
                out.append(line).append('\n');
            }
        }
    }

    /** A sentence of exactly {@code tokens} word-tokenizer tokens, ending with an end mark when room allows. */
    private static void sentence(StringBuilder out, int tokens, String[] lexicon, double[] cumulative,
            SplittableRandom random) {
        int words = tokens > 1 ? tokens - 1 : tokens;
        for (int w = 0; w < words; w++) {
            if (w > 0) {
                boolean comma = w < words - 1 && random.nextInt(20) == 0;
                out.append(comma ? ", " : " ");
                if (comma) {
                    w++;
                }
            }
            if (w < words - 1 && random.nextInt(20) == 0) {
                out.append("l'");
                w++;
            }
            int index = Arrays.binarySearch(cumulative, random.nextDouble() * cumulative[cumulative.length - 1]);
            out.append(lexicon[index < 0 ? Math.min(-index - 1, lexicon.length - 1) : index]);
        }
        if (tokens > 1) {
            out.append(END_MARKS[random.nextInt(END_MARKS.length)]);
        }
    }
}
