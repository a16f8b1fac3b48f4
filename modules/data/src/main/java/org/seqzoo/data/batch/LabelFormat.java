package org.seqzoo.data.batch;

/**
 * How a batch holds its labels (the decoder targets {@code y_1 ... y_n </s>}).
 * <ul>
 *   <li>{@link #INDICES}: token ids, {@code [batch, 1, time]} floats, for an {@code RnnOutputLayer} with
 *       {@code LossSparseMCXENT} (softmax). Memory is independent of the vocabulary size: the default.</li>
 *   <li>{@link #ONE_HOT}: {@code [batch, vocabulary, time]}, 1 at the target id, for {@code LossMCXENT} and
 *       for DL4J evaluation classes that expect one-hot labels. Costs {@code batch * vocabulary * time}
 *       floats per batch (64 x 10,000 x 30 is 77 MB).</li>
 * </ul>
 * Padded steps are all zeros in both and masked out by the labels mask.
 */
public enum LabelFormat {
    INDICES,
    ONE_HOT
}
