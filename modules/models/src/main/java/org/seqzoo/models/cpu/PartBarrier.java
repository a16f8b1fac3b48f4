package org.seqzoo.models.cpu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A single-use barrier for the parts of one {@link KernelThreads#run}: {@link #await} returns once every part has
 * called it. Parts run at once on their own threads, so a waiting part spins (yielding after a while) rather than
 * parking: a parked thread took ~0.2 ms to wake on the 2-core machine, longer than the waits a barrier between
 * two phases of a pass sees. Each part must arrive exactly once, also when it fails (call it in a
 * {@code finally}), or the others wait for ever.
 */
public final class PartBarrier {

    /** Spins before a waiting part starts yielding its core. */
    private static final int SPINS = 20_000;

    private final int parties;
    private final AtomicInteger arrived = new AtomicInteger();

    /** A barrier for {@code parties} parts. */
    public PartBarrier(int parties) {
        this.parties = parties;
    }

    /** Arrives, then waits until all parts have arrived. */
    public void await() {
        arrived.incrementAndGet();
        int spins = 0;
        while (arrived.get() < parties) {
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
