package org.seqzoo.data.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.pipeline.TokenPair;
import org.seqzoo.data.vocab.Vocabularies;

/**
 * One epoch of batches, synchronously: token pairs from a pipeline pass, encoded with the vocabularies,
 * through the shuffle buffer (if any), grouped by the length buckets (if any) or in arrival order, vectorised.
 * Owned by {@link Seq2SeqBatchIterator}, which may run it on a prefetch thread.
 */
final class BatchStream implements AutoCloseable {

    private final PairPipeline.Pass pass;
    private final Vocabularies vocabularies;
    private final PairVectorizer vectorizer;
    private final int batchSize;
    private final ShuffleBuffer<EncodedPair> shuffle;
    private final LengthBuckets buckets;
    private final SplittableRandom random;
    private final Deque<List<EncodedPair>> ready = new ArrayDeque<>();
    private volatile PaddingStats padding = PaddingStats.NONE;

    /**
     * @param shuffleBuffer pairs in the shuffle buffer, 0 for none
     * @param buckets       the length buckets, or null for batches in arrival order
     */
    BatchStream(PairPipeline.Pass pass, Vocabularies vocabularies, PairVectorizer vectorizer, int batchSize,
            int shuffleBuffer, LengthBuckets buckets, SplittableRandom random) {
        this.pass = pass;
        this.vocabularies = vocabularies;
        this.vectorizer = vectorizer;
        this.batchSize = batchSize;
        this.shuffle = shuffleBuffer > 0 ? new ShuffleBuffer<>(shuffleBuffer, random) : null;
        this.buckets = buckets;
        this.random = random;
    }

    /** The next batch, or null at the end of the epoch. */
    MultiDataSet next() {
        List<EncodedPair> batch = buckets == null ? take(batchSize) : nextBucketed();
        if (batch.isEmpty()) {
            return null;
        }
        padding = padding.plus(PairVectorizer.padding(batch));
        return vectorizer.vectorize(batch);
    }

    private List<EncodedPair> nextBucketed() {
        if (ready.isEmpty()) {
            ready.addAll(buckets.batches(take(buckets.poolSize()), random));
        }
        return ready.isEmpty() ? List.of() : ready.poll();
    }

    private List<EncodedPair> take(int count) {
        List<EncodedPair> pairs = new ArrayList<>(count);
        EncodedPair pair;
        while (pairs.size() < count && (pair = nextPair()) != null) {
            pairs.add(pair);
        }
        return pairs;
    }

    private EncodedPair nextPair() {
        if (shuffle == null) {
            return pass.hasNext() ? encode(pass.next()) : null;
        }
        while (pass.hasNext()) {
            EncodedPair out = shuffle.offer(encode(pass.next()));
            if (out != null) {
                return out;
            }
        }
        return shuffle.poll();
    }

    private EncodedPair encode(TokenPair pair) {
        return new EncodedPair(vocabularies.source().encode(pair.source()), vocabularies.target().encode(pair.target()));
    }

    CorpusReport report() {
        return pass.report();
    }

    PaddingStats padding() {
        return padding;
    }

    @Override
    public void close() {
        pass.close();
    }
}
