package org.seqzoo.data.vocab;

import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.pipeline.TokenPair;

/**
 * The source and target vocabularies of a seq2seq model. Shared (one vocabulary built from both sides' counts,
 * the same instance on both sides: for tasks whose sides share a token set, such as copy or reverse, or to
 * tie embeddings) or separate (the usual choice for translation).
 */
public record Vocabularies(Vocabulary source, Vocabulary target) {

    /** True if both sides use one vocabulary. */
    public boolean shared() {
        return source == target;
    }

    /**
     * Builds the vocabularies in one streaming pass over the pipeline (build them on the training part only:
     * give the pipeline its split).
     */
    public static Vocabularies build(PairPipeline pipeline, VocabularyLimits limits, boolean shared) {
        TokenCounts source = new TokenCounts();
        TokenCounts target = new TokenCounts();
        try (PairPipeline.Pass pass = pipeline.open()) {
            while (pass.hasNext()) {
                TokenPair pair = pass.next();
                source.addAll(pair.source());
                target.addAll(pair.target());
            }
        }
        return fromCounts(source, target, limits, shared);
    }

    /** The vocabularies of counts gathered elsewhere (e.g. in a pass that also collects statistics). */
    public static Vocabularies fromCounts(TokenCounts source, TokenCounts target, VocabularyLimits limits,
            boolean shared) {
        if (shared) {
            Vocabulary both = source.plus(target).toVocabulary(limits);
            return new Vocabularies(both, both);
        }
        return new Vocabularies(source.toVocabulary(limits), target.toVocabulary(limits));
    }
}
