package org.seqzoo.bench;

/**
 * One model under test in {@link RnnBench}: a language model on {@link LanguageModelShape} whose training
 * step (forward + backward + Adam update) and inference (forward to the class probabilities) can be run repeatedly on fixed data.
 */
interface BenchModel extends AutoCloseable {

    /** Name printed in the table, e.g. {@code "seqzoo GRU"}. */
    String name();

    /** Gate blocks of the recurrent layer (4 for an LSTM, 3 for a GRU), for the FLOP count. */
    int gateBlocks();

    /** One forward + backward + update on the model's fixed batch. */
    void trainStep();

    /** One forward pass (inference mode) to the class probabilities on the model's fixed batch. */
    void infer();

    @Override
    default void close() {
    }
}
