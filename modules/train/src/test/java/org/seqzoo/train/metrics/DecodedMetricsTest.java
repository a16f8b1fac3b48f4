package org.seqzoo.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class DecodedMetricsTest {

    private static List<String> tokens(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split(" "));
    }

    private static void add(DecodedMetrics metrics, int sourceLength, String hypothesis, String reference) {
        metrics.add(sourceLength, tokens(hypothesis), tokens(reference), hypothesis, reference);
    }

    @Test
    void exactMatchTokenAccuracyAndBleuPerBucket() {
        DecodedMetrics metrics = new DecodedMetrics(new int[] {5, 10, Integer.MAX_VALUE});
        add(metrics, 3, "the cat sat on the mat", "the cat sat on the mat");   // exact: 6 of 6
        add(metrics, 4, "a b c", "a x c d");                                   // 2 of max(3, 4) = 4
        add(metrics, 8, "one two three four five", "one two three four");     // extra token: 4 of 5

        assertEquals(3, metrics.count());
        assertEquals(1.0 / 3, metrics.exactMatch(), 1e-12);
        assertEquals((6 + 2 + 4) / 15.0, metrics.tokenAccuracy(), 1e-12);
        assertEquals(Bleu.corpus(List.of("the cat sat on the mat", "a b c", "one two three four five"),
                List.of("the cat sat on the mat", "a x c d", "one two three four")), metrics.bleu());

        List<DecodedMetrics.Bucket> buckets = metrics.buckets();
        assertEquals(List.of("1-5", "6-10", "11+"), buckets.stream().map(DecodedMetrics.Bucket::label).toList());
        assertEquals(new DecodedMetrics.Bucket("1-5", 2, 0.5, 8.0 / 10,
                Bleu.corpus(List.of("the cat sat on the mat", "a b c"), List.of("the cat sat on the mat", "a x c d")).score()),
                buckets.get(0));
        assertEquals(0.0, buckets.get(1).exactMatch());
        assertEquals(0, buckets.get(2).count());
        assertTrue(Double.isNaN(buckets.get(2).bleu()));
    }

    @Test
    void tableHasOneRowPerBucketAndATotal() {
        DecodedMetrics metrics = new DecodedMetrics(new int[] {5, Integer.MAX_VALUE});
        add(metrics, 2, "a b c d", "a b c d");
        String[] lines = metrics.table().split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("source len"), lines[0]);
        assertTrue(lines[1].matches("1-5 +1 +100\\.00 +100\\.00 +100\\.00"), lines[1]);
        assertTrue(lines[2].matches("6\\+ +0 +- +- +-"), lines[2]);
        assertTrue(lines[3].startsWith("all "), lines[3]);
    }

    @Test
    void badBoundsAndLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DecodedMetrics(new int[] {10, 5}));
        DecodedMetrics metrics = new DecodedMetrics(new int[] {5});
        String message = assertThrows(IllegalArgumentException.class, () -> add(metrics, 6, "a", "a")).getMessage();
        assertTrue(message.contains("source length 6"), message);
    }
}
