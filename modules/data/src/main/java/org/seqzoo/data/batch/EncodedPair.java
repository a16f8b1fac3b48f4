package org.seqzoo.data.batch;

/**
 * A pair as vocabulary ids, before batching: the source ids and the target ids, without BOS / EOS (the
 * {@link PairVectorizer} adds them). Arrays are shared, not copied: do not modify them.
 */
public record EncodedPair(int[] source, int[] target) {
}
