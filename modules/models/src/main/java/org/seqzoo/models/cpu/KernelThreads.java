package org.seqzoo.models.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java threads seqzoo's recurrent kernels split a minibatch over. The sequences of a minibatch are
 * independent, so a pass runs as {@code parts} passes over column ranges of the batch, each on its own thread
 * with single-threaded OpenBLAS calls (as {@link Nd4jThreads} sets OpenBLAS up) and no synchronisation inside
 * the time loop (each step is far too small to share between threads: ~0.1–0.3 ms). This is how training uses
 * every core without oversubscribing them.
 *
 * <p>Threads: the number of cores unless the system property {@value #PROPERTY} or the environment variable
 * {@value #ENV} says otherwise ({@code 1} turns splitting off); {@link #set} changes it at any time.
 */
public final class KernelThreads {

    /** System property: how many threads a recurrent pass may use. */
    public static final String PROPERTY = "seqzoo.kernel.threads";
    /** Environment variable with the same meaning as {@link #PROPERTY}. */
    public static final String ENV = "SEQZOO_KERNEL_THREADS";
    /** Fewest sequences a part gets: below that, a thread hand-off costs more than it saves. */
    public static final int MIN_COLUMNS_PER_PART = 8;
    /** Least work (FLOPs) worth splitting when it is not a time loop: ~0.1 ms on one core. */
    public static final double MIN_FLOPS_TO_SPLIT = 1e7;

    private static volatile int threads = initialThreads();
    private static final SpinningCrew CREW = new SpinningCrew();
    /** For passes that find the crew busy (run from several threads at once, or nested). */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(daemonThreads());

    private KernelThreads() {
    }

    private static int initialThreads() {
        String value = System.getProperty(PROPERTY, System.getenv(ENV));
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(PROPERTY + " / " + ENV + " must be a whole number >= 1, got '" + value
                + "'");
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "seqzoo-kernel-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Sets the number of threads a pass may use (1 = no splitting). */
    public static void set(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + count);
        }
        threads = count;
    }

    /** The number of threads a pass may use. */
    public static int get() {
        return threads;
    }

    /**
     * Into how many parts to split a pass over {@code batch} sequences of {@code steps} steps: one per thread,
     * each of at least {@value #MIN_COLUMNS_PER_PART} sequences; 1 for single steps (decoding), where the
     * hand-off would dominate, and 1 when OpenBLAS itself runs several threads: concurrent multi-threaded calls
     * made a training step 3–4× slower than no split at all (measured with {@code --nd4j-threads 1,2}).
     */
    public static int parts(long batch, long steps) {
        return steps < 2 ? 1 : columnParts(batch);
    }

    /**
     * Into how many parts to split {@code columns} independent columns of work that is not a time loop (an
     * output layer's tokens): one per thread, each of at least {@value #MIN_COLUMNS_PER_PART} columns; 1 when
     * there is less than {@value #MIN_FLOPS_TO_SPLIT} FLOPs of work in all (a thread hand-off costs tens of µs) or
     * OpenBLAS runs several threads itself (see {@link #parts}).
     */
    public static int partsForWork(long columns, double flops) {
        return flops < MIN_FLOPS_TO_SPLIT ? 1 : columnParts(columns);
    }

    private static int columnParts(long columns) {
        if (threads == 1 || Nd4j.factory().blas().getMaxThreads() > 1) {
            return 1;
        }
        return (int) Math.max(1, Math.min(threads, columns / MIN_COLUMNS_PER_PART));
    }

    /**
     * Runs {@code body(0) … body(count - 1)}, part 0 on the calling thread and the others on the
     * {@link SpinningCrew} (pool threads when it is busy with another pass), and returns when all are done; the
     * first failure is rethrown (after all parts finished).
     */
    public static void run(int count, IntConsumer body) {
        if (count == 1) {
            body.accept(0);
            return;
        }
        if (CREW.tryRun(count, body)) {
            return;
        }
        List<Future<?>> others = new ArrayList<>(count - 1);
        for (int p = 1; p < count; p++) {
            int part = p;
            others.add(POOL.submit(() -> body.accept(part)));
        }
        RuntimeException failure = null;
        try {
            body.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> other : others) {
            try {
                other.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("interrupted while waiting for a kernel thread", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
