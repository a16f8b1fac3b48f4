package org.seqzoo.train.progress;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;

class TrainingProgressTest {

    @Test
    void finalDrawShowsStepTotalAndMessage() {
        List<String> drawn = new CopyOnWriteArrayList<>();
        try (TrainingProgress progress = TrainingProgress.start("train", 200, 0,
                new DelegatingProgressBarConsumer(drawn::add, 120))) {
            for (int step = 1; step <= 150; step++) {
                progress.stepTo(step, "loss 1.234  12,345 tok/s");
            }
        }
        String last = drawn.get(drawn.size() - 1);
        assertTrue(last.startsWith("train"), last);
        assertTrue(last.contains("150/200"), last);
        assertTrue(last.contains("75%"), last);
        assertTrue(last.contains("loss 1.234  12,345 tok/s"), last);
    }

    @Test
    void resumedBarStartsAtItsFirstStep() {
        List<String> drawn = new CopyOnWriteArrayList<>();
        TrainingProgress progress = TrainingProgress.start("train", 1000, 600,
                new DelegatingProgressBarConsumer(drawn::add, 120));
        progress.close();
        progress.close();   // a second close does nothing
        assertTrue(drawn.get(drawn.size() - 1).contains("600/1000"), drawn.toString());
    }

    @Test
    void quietModePrintsNothing() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (TrainingProgress progress = TrainingProgress.start("train", 10, true)) {
            progress.stepTo(5, "loss 1.0");
        } finally {
            System.setErr(stderr);
        }
        assertTrue(captured.size() == 0, captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badRangeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TrainingProgress.start("train", 10, 11, false));
        assertThrows(IllegalArgumentException.class, () -> TrainingProgress.start("train", 0, false));
    }
}
