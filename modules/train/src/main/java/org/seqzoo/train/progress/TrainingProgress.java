package org.seqzoo.train.progress;

import java.time.Duration;
import java.util.Optional;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long job on stderr: a progress bar (me.tongfei progressbar) showing the task, percentage,
 * step/total, elapsed time and ETA, and a short message from the caller (e.g. {@code "loss 1.234  12,345 tok/s"});
 * nothing at all in quiet mode. The bar redraws itself about once a second on its own thread, so
 * {@link #stepTo} is cheap enough to call every step. ASCII style, so it reads right in any terminal encoding
 * and in log files. Close it (try-with-resources) to print the final state and end the line.
 */
public final class TrainingProgress implements AutoCloseable {

    private final Optional<ProgressBar> bar;
    private boolean closed;

    private TrainingProgress(Optional<ProgressBar> bar) {
        this.bar = bar;
    }

    /** A bar from step 0 to {@code total} on stderr, or a silent one if {@code quiet}. */
    public static TrainingProgress start(String task, long total, boolean quiet) {
        return start(task, total, 0, quiet);
    }

    /**
     * A bar for a resumed job: it starts at {@code firstStep}, and the ETA counts only the speed of the steps
     * done since then.
     */
    public static TrainingProgress start(String task, long total, long firstStep, boolean quiet) {
        return quiet ? new TrainingProgress(Optional.empty()) : new TrainingProgress(Optional.of(builder(task, total, firstStep).build()));
    }

    /** A bar drawn to {@code consumer} instead of stderr. */
    static TrainingProgress start(String task, long total, long firstStep, ProgressBarConsumer consumer) {
        return new TrainingProgress(Optional.of(builder(task, total, firstStep).setConsumer(consumer).build()));
    }

    private static ProgressBarBuilder builder(String task, long total, long firstStep) {
        if (total < 1 || firstStep < 0 || firstStep > total) {
            throw new IllegalArgumentException("progress needs 0 ≤ first step ≤ total and total ≥ 1; got first step "
                    + firstStep + " of " + total);
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .startsFrom(firstStep, Duration.ZERO);
    }

    /** Moves the bar to {@code step} and shows {@code message} after it. */
    public void stepTo(long step, String message) {
        bar.ifPresent(b -> b.stepTo(step).setExtraMessage(message));
    }

    /** Draws the final state and releases the bar; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bar.ifPresent(ProgressBar::close);
        }
    }
}
