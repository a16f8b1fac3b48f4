package org.seqzoo.data.pipeline;

/** The parts of a {@link DataSplit}. */
public enum SplitPart {
    TRAIN,
    VALID,
    TEST
}
