package org.seqzoo.models.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * {@link PartBarrier} between two phases of a {@link KernelThreads#run}: no part starts its second phase before
 * every part finished its first, also when parts arrive late; a part that fails in its first phase still arrives
 * (from a {@code finally}), so the others go on and the run reports the failure instead of hanging.
 */
class PartBarrierTest {

    @Test
    void noPartPassesBeforeAllArrived() {
        for (int round = 0; round < 100; round++) {
            int parts = 1 + round % 3;
            AtomicInteger firstPhaseDone = new AtomicInteger();
            int[] seenAfterBarrier = new int[parts];
            PartBarrier barrier = new PartBarrier(parts);
            int lateOne = round % parts;
            KernelThreads.run(parts, p -> {
                if (p == lateOne) {
                    sleep(1);                                  // a part that arrives well after the others
                }
                firstPhaseDone.incrementAndGet();
                barrier.await();
                seenAfterBarrier[p] = firstPhaseDone.get();
            });
            for (int p = 0; p < parts; p++) {
                assertEquals(parts, seenAfterBarrier[p], "part " + p + " passed the barrier early");
            }
        }
    }

    @Test
    void aFailingPartStillReleasesTheOthers() {
        PartBarrier barrier = new PartBarrier(2);
        AtomicInteger secondPhases = new AtomicInteger();
        IllegalStateException thrown = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThrows(IllegalStateException.class, () -> KernelThreads.run(2, p -> {
                    try {
                        if (p == 1) {
                            throw new IllegalStateException("part 1 failed");
                        }
                    } finally {
                        barrier.await();
                    }
                    secondPhases.incrementAndGet();
                })));
        assertEquals("part 1 failed", thrown.getMessage());
        assertEquals(1, secondPhases.get(), "the part that did not fail went on");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
