package org.seqzoo.models.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The threads {@link KernelThreads#run} hands parts to: daemon workers that, between parts, wait for the next one
 * by spinning for up to {@value #SPIN_NANOS} ns before they park, as OpenMP's runtimes do. A pass hands parts out
 * a few times (the recurrent loops, then the output layer, every ~1–10 ms), and a parked thread took ~60 µs
 * (median; 0.2–0.7 ms in one case in ten) to start its part here, where a spinning one starts within a
 * microsecond. The caller spins briefly ({@value #CALLER_SPIN_NANOS} ns) for parts that end just after its own,
 * then parks until the last one wakes it.
 *
 * <p>One pass at a time: {@link #tryRun} returns {@code false} without running anything when another thread's (or
 * an enclosing) pass holds the crew, and the caller then uses ordinary pool threads.
 */
final class SpinningCrew {

    /** How long an idle worker spins before it parks. */
    static final long SPIN_NANOS = 1_000_000;
    /**
     * How long a caller that finished its own part spins for the others before it parks: short, so that when the
     * cores are oversubscribed (another runtime's threads spinning, as OpenMP's do) the scheduler can move a late
     * part onto the caller's core instead of the caller keeping it busy.
     */
    static final long CALLER_SPIN_NANOS = 50_000;

    private final ReentrantLock busy = new ReentrantLock();
    private final List<Worker> workers = new ArrayList<>();

    /**
     * Runs {@code body(1) … body(count - 1)} on the crew and {@code body(0)} on the calling thread, and returns
     * {@code true} when all are done; the first failure is rethrown (after all parts finished). Returns
     * {@code false}, having run nothing, when the crew is busy with another pass.
     */
    boolean tryRun(int count, IntConsumer body) {
        if (busy.isHeldByCurrentThread() || !busy.tryLock()) {            // nested, or another thread's pass
            return false;
        }
        try {
            while (workers.size() < count - 1) {
                workers.add(new Worker(workers.size() + 1));
            }
            for (int p = 1; p < count; p++) {
                workers.get(p - 1).hand(body, p);
            }
            Throwable failure = null;
            try {
                body.accept(0);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int p = 1; p < count; p++) {
                Throwable partFailure = workers.get(p - 1).awaitPart();
                if (failure == null) {
                    failure = partFailure;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("a kernel thread failed", failure);
            }
            return true;
        } finally {
            busy.unlock();
        }
    }

    /** One worker: a part handed over through volatile fields, counted so that neither side misses the other. */
    private static final class Worker extends Thread {
        private volatile IntConsumer body;
        private volatile int part;
        private volatile long handed;
        private volatile long finished;
        private volatile Throwable failure;
        private volatile boolean parked;
        private volatile Thread waiter;

        Worker(int index) {
            super("seqzoo-kernel-crew-" + index);
            setDaemon(true);
            start();
        }

        /** Gives this worker {@code body(part)} to run (it must be idle). */
        void hand(IntConsumer body, int part) {
            this.body = body;
            this.part = part;
            this.failure = null;
            handed++;                                          // only the crew's holder writes it
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        /** Waits until the part handed last is done; its failure, or {@code null}. */
        Throwable awaitPart() {
            long target = handed;
            long spinUntil = System.nanoTime() + CALLER_SPIN_NANOS;
            while (finished != target && System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            if (finished != target) {
                waiter = Thread.currentThread();               // then re-check: the worker unparks when it sees this
                while (finished != target) {
                    LockSupport.park(this);
                }
                waiter = null;
            }
            return failure;
        }

        @Override
        public void run() {
            long done = 0;
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (handed == done) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;                         // then re-check: hand() unparks when it sees this
                        if (handed == done) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                done = handed;
                try {
                    body.accept(part);
                } catch (Throwable e) {
                    failure = e;
                }
                body = null;                                   // keeps nothing of the pass reachable
                finished = done;
                Thread caller = waiter;
                if (caller != null) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
