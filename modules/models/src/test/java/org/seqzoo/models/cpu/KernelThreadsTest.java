package org.seqzoo.models.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link KernelThreads#run} through its {@link SpinningCrew}: every part runs once, on its own thread, part 0 on
 * the caller; failures come back to the caller; parts see what the caller wrote before and the caller sees what
 * they wrote; runs after the crew parked, nested runs and runs from several threads at once all complete.
 */
class KernelThreadsTest {

    @Test
    void runsEveryPartOnceOnItsOwnThread() {
        for (int round = 0; round < 200; round++) {
            int count = 1 + round % 4;
            Thread[] ranOn = new Thread[count];
            int[] values = new int[count];
            int base = round * 10;
            KernelThreads.run(count, p -> {
                ranOn[p] = Thread.currentThread();
                values[p] += base + p;
            });
            assertSame(Thread.currentThread(), ranOn[0], "part 0 runs on the caller");
            assertEquals(count, java.util.Arrays.stream(ranOn).distinct().count(), "one thread per part");
            int[] expected = new int[count];
            for (int p = 0; p < count; p++) {
                expected[p] = base + p;
            }
            assertArrayEquals(expected, values, "round " + round);
        }
    }

    @Test
    void partsStartAgainAfterTheCrewParked() throws InterruptedException {
        int[] values = new int[2];
        KernelThreads.run(2, p -> values[p]++);
        Thread.sleep(3 * SpinningCrew.SPIN_NANOS / 1_000_000 + 20);      // long enough for the worker to park
        KernelThreads.run(2, p -> values[p]++);
        assertArrayEquals(new int[] {2, 2}, values);
    }

    @Test
    void failuresReachTheCallerAfterAllParts() {
        int[] finished = new int[3];
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () ->
                KernelThreads.run(3, p -> {
                    finished[p] = 1;
                    if (p == 2) {
                        throw new IllegalArgumentException("part 2 fails");
                    }
                }));
        assertEquals("part 2 fails", thrown.getMessage());
        assertArrayEquals(new int[] {1, 1, 1}, finished);
        AssertionError error = new AssertionError("an Error in a part");
        IllegalStateException wrapped = assertThrows(IllegalStateException.class, () ->
                KernelThreads.run(2, p -> {
                    if (p == 1) {
                        throw error;
                    }
                }));
        assertSame(error, wrapped.getCause());
        int[] after = new int[2];
        KernelThreads.run(2, p -> after[p] = 1);
        assertArrayEquals(new int[] {1, 1}, after, "the crew still works after failures");
    }

    @Test
    void nestedRunsComplete() {
        int[][] values = new int[2][2];
        KernelThreads.run(2, outer -> KernelThreads.run(2, inner -> values[outer][inner] = 10 * outer + inner));
        assertArrayEquals(new int[] {0, 1}, values[0]);
        assertArrayEquals(new int[] {10, 11}, values[1]);
    }

    @Test
    void runsFromSeveralThreadsAtOnceComplete() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentHashMap<Thread, Boolean> threads = new ConcurrentHashMap<>();
            List<Future<long[]>> sums = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int caller = c;
                sums.add(callers.submit(() -> {
                    start.await();
                    long[] total = new long[2];
                    for (int round = 0; round < 300; round++) {
                        KernelThreads.run(2, p -> {
                            threads.put(Thread.currentThread(), true);
                            total[p] += caller + p;
                        });
                    }
                    return total;
                }));
            }
            start.countDown();
            for (int c = 0; c < 4; c++) {
                assertArrayEquals(new long[] {300L * c, 300L * (c + 1)}, sums.get(c).get(60, TimeUnit.SECONDS));
            }
            assertTrue(threads.size() > 4, "some parts ran on kernel threads");
        } finally {
            callers.shutdownNow();
        }
    }
}
