package org.seqzoo.data.batch;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.vocab.Vocabularies;

/**
 * The seq2seq training batches of a pair corpus, as a DL4J {@link MultiDataSetIterator} for
 * {@code ComputationGraph.fit} (DESIGN.md, "Data conventions"). Each batch is features
 * {@code [source ids, decoder input ids]}, labels {@code [decoder target]}, with per-time-step masks; shapes
 * and the BOS / EOS shift are documented in {@link PairVectorizer}. Streaming: memory is bounded by the
 * shuffle buffer, one bucketing pool and the prefetch queue, whatever the corpus size.
 *
 * <p>Per epoch: the {@link PairPipeline} reads and tokenises (through its DataVec record reader); pairs are
 * encoded with the {@link Vocabularies}; an optional bounded {@link ShuffleBuffer shuffle buffer} mixes them;
 * optional {@link LengthBuckets length buckets} group pairs of similar length; the {@link PairVectorizer}
 * pads and masks. {@link #reset()} starts the next epoch with a new, seed-determined order; the same seed
 * gives the same batches in every run (prefetching or not). For a deterministic train / validation / test
 * split give the pipeline a {@code DataSplit}.
 *
 * <p>Why not DataVec's {@code RecordReaderMultiDataSetIterator}: it vectorises each record by itself, so it
 * cannot insert the BOS / EOS shift between decoder input and target without a second copy of the corpus, has
 * no notion of a vocabulary (DataVec has no tokenizer), reads records strictly in order (no shuffle buffer,
 * no grouping by length: it pads every batch to its longest sequence across all readers) and makes one-hot
 * labels from integer columns only. This iterator keeps DataVec where it fits (the {@code RecordReader}
 * reading the corpus) and does the rest itself.
 *
 * <p>Prefetch: {@link Builder#prefetch(int)} prepares batches on a background thread. {@link #asyncSupported()}
 * is false, so DL4J does not wrap this iterator in its {@code AsyncMultiDataSetIterator}, which can hang on a
 * producer exception (see {@link Prefetcher}); a malformed line met while prefetching is thrown by
 * {@link #hasNext()} / {@link #next()} as it would be without prefetch. {@link #close()} stops the thread of an
 * epoch abandoned midway (a finished epoch stops it by itself).
 */
public final class Seq2SeqBatchIterator implements MultiDataSetIterator, AutoCloseable {

    private static final long serialVersionUID = 1L;

    private final transient PairPipeline pipeline;
    private final transient Vocabularies vocabularies;
    private final PairVectorizer vectorizer;
    private final int batchSize;
    private final int shuffleBuffer;
    private final int bucketPoolBatches;
    private final long seed;
    private final int prefetch;

    private transient BatchStream stream;
    private transient Prefetcher<MultiDataSet> prefetcher;
    private transient MultiDataSet peeked;
    private transient CorpusReport lastReport = new CorpusReport(0, 0, 0, Map.of());
    private transient PaddingStats lastPadding = PaddingStats.NONE;
    private int epoch;
    private MultiDataSetPreProcessor preProcessor;

    private Seq2SeqBatchIterator(Builder b) {
        this.pipeline = b.pipeline;
        this.vocabularies = b.vocabularies;
        this.vectorizer = new PairVectorizer(b.labels, b.vocabularies.target().size(), b.reverseSource);
        this.batchSize = b.batchSize;
        this.shuffleBuffer = b.shuffleBuffer;
        this.bucketPoolBatches = b.bucketPoolBatches;
        this.seed = b.seed;
        this.prefetch = b.prefetch;
    }

    /**
     * An iterator over the pipeline's pairs. Defaults: 64 pairs per batch, corpus order (no shuffle buffer, no
     * bucketing), no reversal, {@link LabelFormat#INDICES}, no prefetch, seed 42. For training, typical
     * settings are {@code .shuffleBuffer(10_000).bucketing(50).prefetch(4)}.
     */
    public static Builder builder(PairPipeline pipeline, Vocabularies vocabularies) {
        return new Builder(pipeline, vocabularies);
    }

    @Override
    public boolean hasNext() {
        if (stream == null) {
            start();
        }
        if (peeked == null) {
            peeked = prefetcher != null ? prefetcher.take() : stream.next();
        }
        return peeked != null;
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("Epoch " + epoch + " is over; call reset() for the next");
        }
        MultiDataSet batch = peeked;
        peeked = null;
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    /** Not supported: batches are formed by the iterator (buckets, shuffle), their size set by the builder. */
    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("Seq2SeqBatchIterator forms its own batches of up to " + batchSize
                + " pairs; set the size with Builder.batchSize");
    }

    /** Ends the current epoch (wherever it is) and starts the next, with its own shuffle order. */
    @Override
    public void reset() {
        stop();
        epoch++;
    }

    /** Stops a prefetch thread and closes the corpus files; the next {@link #hasNext()} starts the epoch anew. */
    @Override
    public void close() {
        stop();
    }

    /** The current epoch, counted from 0 (one per {@link #reset()}). */
    public int epoch() {
        return epoch;
    }

    /** What the current epoch's pass did with the corpus lines so far (or the previous epoch's, after reset). */
    public CorpusReport report() {
        return stream != null ? stream.report() : lastReport;
    }

    /** Padding of the batches built so far in the current epoch (or the previous epoch's, after reset). */
    public PaddingStats padding() {
        return stream != null ? stream.padding() : lastPadding;
    }

    /** The vectorizer making the batches (to vectorise source sentences the same way at inference time). */
    public PairVectorizer vectorizer() {
        return vectorizer;
    }

    public Vocabularies vocabularies() {
        return vocabularies;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** False: it prefetches by itself ({@link Builder#prefetch}); DL4J's async wrapper hangs on data errors. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    private void start() {
        SplittableRandom random = new SplittableRandom(seed + epoch * 0x9E3779B97F4A7C15L);
        LengthBuckets buckets = bucketPoolBatches > 0 ? new LengthBuckets(batchSize, bucketPoolBatches) : null;
        stream = new BatchStream(pipeline.open(), vocabularies, vectorizer, batchSize, shuffleBuffer, buckets, random);
        if (prefetch > 0) {
            prefetcher = new Prefetcher<>(stream::next, prefetch, "seqzoo-batches-epoch-" + epoch);
        }
    }

    private void stop() {
        if (prefetcher != null) {
            prefetcher.close();
            prefetcher = null;
        }
        if (stream != null) {
            stream.close();
            lastReport = stream.report();
            lastPadding = stream.padding();
            stream = null;
        }
        peeked = null;
    }

    /** Settings of a {@link Seq2SeqBatchIterator}. */
    public static final class Builder {
        private final PairPipeline pipeline;
        private final Vocabularies vocabularies;
        private int batchSize = 64;
        private int shuffleBuffer;
        private int bucketPoolBatches;
        private long seed = 42;
        private boolean reverseSource;
        private LabelFormat labels = LabelFormat.INDICES;
        private int prefetch;

        private Builder(PairPipeline pipeline, Vocabularies vocabularies) {
            this.pipeline = pipeline;
            this.vocabularies = vocabularies;
        }

        /** Pairs per batch (the last batch of an epoch, or of a bucketing pool, may be smaller). */
        public Builder batchSize(int pairs) {
            this.batchSize = atLeast(1, pairs, "batch size");
            return this;
        }

        /** Pairs held in the shuffle buffer; 0 (the default) keeps the corpus order. */
        public Builder shuffleBuffer(int pairs) {
            this.shuffleBuffer = atLeast(0, pairs, "shuffle buffer");
            return this;
        }

        /** Group pairs of similar length, sorting pools of this many batches; 0 (the default) for no bucketing. */
        public Builder bucketing(int poolBatches) {
            this.bucketPoolBatches = atLeast(0, poolBatches, "bucketing pool");
            return this;
        }

        /** Seed of the shuffle buffer and the bucket order (epoch e uses a seed derived from it and e). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Feed the source backwards (Sutskever et al. 2014). */
        public Builder reverseSource(boolean reverse) {
            this.reverseSource = reverse;
            return this;
        }

        public Builder labels(LabelFormat format) {
            this.labels = format;
            return this;
        }

        /** Batches prepared ahead on a background thread; 0 (the default) prepares them in {@code next()}. */
        public Builder prefetch(int batches) {
            this.prefetch = atLeast(0, batches, "prefetch queue");
            return this;
        }

        /**
         * The iterator. Checks now that the corpus files exist (the first pass opens them at the first
         * {@code hasNext()}).
         */
        public Seq2SeqBatchIterator build() {
            pipeline.corpus().checkReadable();
            return new Seq2SeqBatchIterator(this);
        }

        private static int atLeast(int min, int value, String what) {
            if (value < min) {
                throw new IllegalArgumentException("The " + what + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
