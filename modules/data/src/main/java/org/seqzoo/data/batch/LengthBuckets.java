package org.seqzoo.data.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bucketing by length, streaming: the stream is cut into pools of {@code poolBatches * batchSize} pairs;
 * each pool is sorted by (source length, target length) and cut into batches, which are then emitted in
 * random order. Pairs of similar lengths share a batch, so little padding is computed, while memory stays
 * bounded by one pool and batch order stays random. (The "sorted pool" scheme of torchtext's
 * {@code BucketIterator} and fairseq; a pool of 50-100 batches already gets most of the gain.) Ties keep
 * their arrival order, which the shuffle buffer randomises.
 */
final class LengthBuckets {

    private static final Comparator<EncodedPair> BY_LENGTH = Comparator
            .<EncodedPair>comparingInt(p -> p.source().length).thenComparingInt(p -> p.target().length);

    private final int batchSize;
    private final int poolBatches;

    LengthBuckets(int batchSize, int poolBatches) {
        if (batchSize < 1 || poolBatches < 1) {
            throw new IllegalArgumentException("Batch size and pool size must be at least 1, got " + batchSize
                    + " and " + poolBatches);
        }
        this.batchSize = batchSize;
        this.poolBatches = poolBatches;
    }

    /** Pairs per pool. */
    int poolSize() {
        return batchSize * poolBatches;
    }

    /** Sorts the pool (in place) and returns its batches in random order; the last may be smaller. */
    List<List<EncodedPair>> batches(List<EncodedPair> pool, SplittableRandom random) {
        pool.sort(BY_LENGTH);
        List<List<EncodedPair>> batches = new ArrayList<>((pool.size() + batchSize - 1) / batchSize);
        for (int start = 0; start < pool.size(); start += batchSize) {
            batches.add(new ArrayList<>(pool.subList(start, Math.min(start + batchSize, pool.size()))));
        }
        for (int i = batches.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            List<EncodedPair> swap = batches.get(i);
            batches.set(i, batches.get(j));
            batches.set(j, swap);
        }
        return batches;
    }
}
