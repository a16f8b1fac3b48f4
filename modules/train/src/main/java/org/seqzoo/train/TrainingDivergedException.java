package org.seqzoo.train;

import java.nio.file.Path;
import java.util.Optional;

/** Training produced a NaN or infinite loss (or parameters): names the step and the last good checkpoint. */
public class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long step;

    public TrainingDivergedException(long step, double loss, Optional<Path> lastGoodCheckpoint) {
        super("training diverged at step " + step + " (loss " + loss + "); "
                + lastGoodCheckpoint.map(p -> "the last good checkpoint is intact: " + p
                        + " (resume with a lower learning rate or stronger gradient clipping)")
                        .orElse("no checkpoint was written before it"));
        this.step = step;
    }

    public long step() {
        return step;
    }
}
