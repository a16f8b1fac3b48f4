package org.seqzoo.data.pipeline;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;

import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.SkipReason;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.corpus.PairRecordReader;
import org.seqzoo.data.corpus.TextPair;
import org.seqzoo.data.text.Tokenizer;
import org.seqzoo.data.text.WordTokenizer;

/**
 * Text pairs to token pairs, streaming (DESIGN.md, "Data conventions"): a {@link PairCorpus} read through
 * its DataVec {@link PairRecordReader}, then the split filter (on the raw source), then tokenising (each
 * side's {@link Tokenizer} normalises), then the length filter. One configuration; every {@link #open()}
 * is a new pass (an epoch, or the vocabulary's counting pass).
 *
 * <p>A side that tokenises to nothing (it held only invisible characters) is malformed like an empty side.
 * Pairs over the token limits are skipped and counted ({@link SkipReason#SOURCE_TOO_LONG},
 * {@link SkipReason#TARGET_TOO_LONG}), never cut: a cut target would teach the model to stop early.
 */
public final class PairPipeline {

    private final PairCorpus corpus;
    private final Tokenizer sourceTokenizer;
    private final Tokenizer targetTokenizer;
    private final int maxSourceTokens;
    private final int maxTargetTokens;
    private final MalformedLinePolicy policy;
    private final DataSplit split;
    private final SplitPart part;

    private PairPipeline(Builder b) {
        this.corpus = b.corpus;
        this.sourceTokenizer = b.sourceTokenizer;
        this.targetTokenizer = b.targetTokenizer;
        this.maxSourceTokens = b.maxSourceTokens;
        this.maxTargetTokens = b.maxTargetTokens;
        this.policy = b.policy;
        this.split = b.split;
        this.part = b.part;
    }

    /** A pipeline over this corpus: word tokens on both sides, no limits, malformed lines fail, no split. */
    public static Builder builder(PairCorpus corpus) {
        return new Builder(corpus);
    }

    /** Starts a pass. The files are opened now: a missing file fails here. */
    public Pass open() {
        return new Pass(corpus.open(policy));
    }

    public PairCorpus corpus() {
        return corpus;
    }

    public Tokenizer sourceTokenizer() {
        return sourceTokenizer;
    }

    public Tokenizer targetTokenizer() {
        return targetTokenizer;
    }

    public OptionalInt maxSourceTokens() {
        return maxSourceTokens == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(maxSourceTokens);
    }

    public OptionalInt maxTargetTokens() {
        return maxTargetTokens == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(maxTargetTokens);
    }

    public MalformedLinePolicy policy() {
        return policy;
    }

    /** The split and the part this pipeline delivers, if it filters by a split. */
    public Optional<DataSplit> split() {
        return Optional.ofNullable(split);
    }

    public SplitPart part() {
        return part;
    }

    /** The same pipeline delivering another part of its split (for validation and test iterators). */
    public PairPipeline withPart(SplitPart otherPart) {
        if (split == null) {
            throw new IllegalStateException("This pipeline has no split");
        }
        return toBuilder().split(split, otherPart).build();
    }

    /** A builder holding this pipeline's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(corpus).sourceTokenizer(sourceTokenizer).targetTokenizer(targetTokenizer)
                .maxSourceTokens(maxSourceTokens).maxTargetTokens(maxTargetTokens).onMalformedLine(policy);
        return split == null ? b : b.split(split, part);
    }

    /**
     * One pass over the corpus: an iterator of token pairs that closes its files when exhausted (or by
     * {@link #close()}), and counts what it did ({@link #report()}).
     */
    public final class Pass implements Iterator<TokenPair>, AutoCloseable {

        private final PairRecordReader reader;
        private final long[] skipped = new long[SkipReason.values().length];
        private long otherParts;
        private long pairs;
        private TokenPair pending;
        private boolean closed;

        private Pass(PairRecordReader reader) {
            this.reader = reader;
        }

        @Override
        public boolean hasNext() {
            while (pending == null && !closed) {
                if (!reader.hasNext()) {
                    close();
                    break;
                }
                pending = process(reader.nextPair());
            }
            return pending != null;
        }

        @Override
        public TokenPair next() {
            if (!hasNext()) {
                throw new NoSuchElementException("The pass over " + corpus + " is over");
            }
            TokenPair pair = pending;
            pending = null;
            pairs++;
            return pair;
        }

        private TokenPair process(TextPair text) {
            if (split != null && split.partOf(text.source()) != part) {
                otherParts++;
                return null;
            }
            List<String> source = sourceTokenizer.tokenize(text.source());
            if (source.isEmpty()) {
                return reject(SkipReason.EMPTY_SOURCE, text.sourceFile(), text.line(),
                        "empty source after normalisation (only invisible characters)");
            }
            List<String> target = targetTokenizer.tokenize(text.target());
            if (target.isEmpty()) {
                return reject(SkipReason.EMPTY_TARGET, text.targetFile(), text.line(),
                        "empty target after normalisation (only invisible characters)");
            }
            if (source.size() > maxSourceTokens) {
                skipped[SkipReason.SOURCE_TOO_LONG.ordinal()]++;
                return null;
            }
            if (target.size() > maxTargetTokens) {
                skipped[SkipReason.TARGET_TOO_LONG.ordinal()]++;
                return null;
            }
            return new TokenPair(text, source, target);
        }

        private TokenPair reject(SkipReason reason, String file, long line, String detail) {
            if (policy == MalformedLinePolicy.FAIL) {
                throw new DataFileException(file, line, reason, detail);
            }
            skipped[reason.ordinal()]++;
            return null;
        }

        /** What the pass did so far: final once {@link #hasNext()} has returned false. */
        public CorpusReport report() {
            CorpusReport read = reader.report();
            Map<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
            counts.putAll(read.skipped());
            for (SkipReason reason : SkipReason.values()) {
                counts.merge(reason, skipped[reason.ordinal()], Long::sum);
            }
            return new CorpusReport(read.linesRead(), pairs, otherParts, counts);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                reader.close();
            }
        }
    }

    /** Settings of a {@link PairPipeline}. */
    public static final class Builder {
        private final PairCorpus corpus;
        private Tokenizer sourceTokenizer = WordTokenizer.standard();
        private Tokenizer targetTokenizer = WordTokenizer.standard();
        private int maxSourceTokens = Integer.MAX_VALUE;
        private int maxTargetTokens = Integer.MAX_VALUE;
        private MalformedLinePolicy policy = MalformedLinePolicy.FAIL;
        private DataSplit split;
        private SplitPart part = SplitPart.TRAIN;

        private Builder(PairCorpus corpus) {
            this.corpus = corpus;
        }

        /** The same tokenizer for both sides. */
        public Builder tokenizer(Tokenizer tokenizer) {
            return sourceTokenizer(tokenizer).targetTokenizer(tokenizer);
        }

        public Builder sourceTokenizer(Tokenizer tokenizer) {
            this.sourceTokenizer = tokenizer;
            return this;
        }

        public Builder targetTokenizer(Tokenizer tokenizer) {
            this.targetTokenizer = tokenizer;
            return this;
        }

        /** Pairs with more source tokens are skipped and counted. */
        public Builder maxSourceTokens(int max) {
            this.maxSourceTokens = positive(max, "maximum source length");
            return this;
        }

        /** Pairs with more target tokens (before {@code </s>}) are skipped and counted. */
        public Builder maxTargetTokens(int max) {
            this.maxTargetTokens = positive(max, "maximum target length");
            return this;
        }

        public Builder onMalformedLine(MalformedLinePolicy malformedLinePolicy) {
            this.policy = malformedLinePolicy;
            return this;
        }

        /** Deliver only the pairs of one part of a split. */
        public Builder split(DataSplit dataSplit, SplitPart splitPart) {
            this.split = dataSplit;
            this.part = splitPart;
            return this;
        }

        public PairPipeline build() {
            return new PairPipeline(this);
        }

        private static int positive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException("The " + what + " must be at least 1, got " + value);
            }
            return value;
        }
    }
}
