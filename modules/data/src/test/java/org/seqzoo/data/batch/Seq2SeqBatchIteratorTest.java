package org.seqzoo.data.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.tasks.SequenceTask;
import org.seqzoo.data.tasks.SyntheticDataset;
import org.seqzoo.data.text.CharacterTokenizer;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.Vocabulary;
import org.seqzoo.data.vocab.VocabularyLimits;

class Seq2SeqBatchIteratorTest {

    private static final int PAIRS = 1000;

    @TempDir
    Path dir;
    private PairPipeline pipeline;
    private Vocabularies vocabularies;
    private List<String> lines;

    @BeforeEach
    void corpus() throws IOException {
        Path file = dir.resolve("reverse.tsv");
        SyntheticDataset.write(new SequenceTask(SequenceTask.Kind.REVERSE, "abcdefghij", 1, 30), PAIRS, 3, Set.of(), file);
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        pipeline = PairPipeline.builder(PairCorpus.tsv(file)).tokenizer(CharacterTokenizer.standard()).build();
        vocabularies = Vocabularies.build(pipeline, VocabularyLimits.NONE, true);
    }

    private Seq2SeqBatchIterator.Builder iterator() {
        return Seq2SeqBatchIterator.builder(pipeline, vocabularies).batchSize(32);
    }

    private static List<MultiDataSet> epoch(Seq2SeqBatchIterator iterator) {
        List<MultiDataSet> batches = new ArrayList<>();
        while (iterator.hasNext()) {
            batches.add(iterator.next());
        }
        return batches;
    }

    /** The pairs of the batches as "source<TAB>target" lines, read back from the arrays (sources unreversed). */
    private List<String> decode(List<MultiDataSet> batches, boolean reversed) {
        Vocabulary vocabulary = vocabularies.source();
        List<String> pairs = new ArrayList<>();
        for (MultiDataSet batch : batches) {
            INDArray source = batch.getFeatures(0);
            INDArray sourceMask = batch.getFeaturesMaskArray(0);
            INDArray labels = batch.getLabels(0);
            INDArray labelMask = batch.getLabelsMaskArray(0);
            for (int i = 0; i < source.size(0); i++) {
                StringBuilder s = new StringBuilder();
                for (int t = 0; t < source.size(2) && sourceMask.getFloat(i, t) == 1; t++) {
                    s.append(vocabulary.token(source.getInt(i, 0, t)));
                }
                if (reversed) {
                    s.reverse();
                }
                StringBuilder y = new StringBuilder();
                for (int t = 0; t < labels.size(2) && labelMask.getFloat(i, t) == 1; t++) {
                    int id = labels.getInt(i, 0, t);
                    if (id != Vocabulary.EOS_ID) {
                        y.append(vocabulary.token(id));
                    }
                    assertEquals(id == Vocabulary.EOS_ID, t + 1 == labels.size(2) || labelMask.getFloat(i, t + 1) == 0);
                }
                pairs.add(s + "\t" + y);
            }
        }
        return pairs;
    }

    private static Map<String, Long> multiset(List<String> items) {
        return items.stream().collect(Collectors.groupingBy(s -> s, HashMap::new, Collectors.counting()));
    }

    @Test
    void everyPairOncePerEpochWithShuffleBucketsPrefetchAndReversal() {
        try (Seq2SeqBatchIterator iterator = iterator().shuffleBuffer(200).bucketing(5).prefetch(3)
                .reverseSource(true).seed(11).build()) {
            for (int e = 0; e < 2; e++) {
                List<MultiDataSet> batches = epoch(iterator);
                assertEquals(multiset(lines), multiset(decode(batches, true)));
                assertTrue(batches.stream().allMatch(b -> b.getFeatures(0).size(0) <= 32));
                assertEquals(PAIRS, iterator.report().pairs());
                iterator.reset();
            }
            assertEquals(2, iterator.epoch());
        }
    }

    @Test
    void sameSeedSameBatchesNewEpochNewOrderPrefetchChangesNothing() {
        Seq2SeqBatchIterator a = iterator().shuffleBuffer(300).bucketing(4).seed(5).build();
        Seq2SeqBatchIterator b = iterator().shuffleBuffer(300).bucketing(4).seed(5).prefetch(2).build();
        List<String> first = decode(epoch(a), false);
        assertEquals(first, decode(epoch(b), false));
        a.reset();
        List<String> second = decode(epoch(a), false);
        assertNotEquals(first, second);
        assertEquals(multiset(first), multiset(second));
        assertNotEquals(first, decode(epoch(iterator().shuffleBuffer(300).bucketing(4).seed(6).build()), false));
        assertEquals(lines, decode(epoch(iterator().build()), false)); // no shuffle, no buckets: corpus order
    }

    @Test
    void bucketingReducesPadding() {
        Seq2SeqBatchIterator plain = iterator().shuffleBuffer(1000).build();
        Seq2SeqBatchIterator bucketed = iterator().shuffleBuffer(1000).bucketing(8).build();
        epoch(plain);
        epoch(bucketed);
        double without = plain.padding().paddedFraction();
        double with = bucketed.padding().paddedFraction();
        // lengths 1..30 uniform: about 45% padding in random batches of 32, a few percent when sorted
        assertTrue(without > 0.35, "padding without bucketing " + without);
        assertTrue(with < without / 4, "padding with bucketing " + with + " vs " + without);
    }

    @Test
    void resetMidEpochStartsAFullEpoch() {
        try (Seq2SeqBatchIterator iterator = iterator().shuffleBuffer(100).prefetch(2).build()) {
            iterator.next();
            iterator.next();
            iterator.reset();
            assertEquals(PAIRS, decode(epoch(iterator), false).size());
            assertFalse(iterator.hasNext());
            assertThrows(UnsupportedOperationException.class, () -> iterator.next(10));
        }
    }

    @Test
    void malformedLineFoundWhilePrefetchingIsThrownNotHung() throws IOException {
        List<String> broken = new ArrayList<>(lines);
        broken.set(700, "no tab on this line");
        Path file = Files.write(dir.resolve("broken.tsv"), broken, StandardCharsets.UTF_8);
        PairPipeline brokenPipeline = PairPipeline.builder(PairCorpus.tsv(file))
                .tokenizer(CharacterTokenizer.standard()).build();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Seq2SeqBatchIterator iterator = Seq2SeqBatchIterator.builder(brokenPipeline, vocabularies)
                    .batchSize(32).shuffleBuffer(50).prefetch(4).build()) {
                DataFileException e = assertThrows(DataFileException.class, () -> epoch(iterator));
                assertTrue(e.getMessage().contains("broken.tsv:701: no tab"), e.getMessage());
            }
        });
    }

    @Test
    void missingCorpusFailsWhenBuilt() {
        PairPipeline missing = PairPipeline.builder(PairCorpus.tsv(dir.resolve("gone.tsv"))).build();
        DataFileException e = assertThrows(DataFileException.class,
                () -> Seq2SeqBatchIterator.builder(missing, vocabularies).build());
        assertTrue(e.getMessage().endsWith("gone.tsv: no such file"), e.getMessage());
    }
}
