package org.seqzoo.data.batch;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Runs a producer on a background thread, up to {@code capacity} items ahead of the consumer. The end of the
 * stream and a failure travel through the queue: an exception in the producer (a malformed corpus line, say)
 * is rethrown by {@link #take()} on the consumer's thread, as is. (DL4J's {@code AsyncMultiDataSetIterator}
 * stores the producer's exception in a field checked only before waiting, so a consumer already waiting for
 * the next batch waits forever; it also allocates batches in a cyclic workspace, which is unsafe for
 * consumers that keep batches.)
 */
final class Prefetcher<T> implements AutoCloseable {

    private static final Object END = new Object();

    private record Failure(Throwable error) {
    }

    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean stopped;
    private boolean finished;

    /**
     * @param producer returns the next item, or null at the end of the stream
     */
    Prefetcher(Supplier<T> producer, int capacity, String threadName) {
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.thread = new Thread(() -> produce(producer), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(Supplier<T> producer) {
        try {
            Object item;
            do {
                item = next(producer);
                queue.put(item);
            } while (item != END && !(item instanceof Failure) && !stopped);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed while waiting for room
        }
    }

    /** The producer's next item, END, or its failure (after the items before it, in order). */
    private Object next(Supplier<T> producer) {
        try {
            T item = producer.get();
            return item == null ? END : item;
        } catch (RuntimeException | Error e) {
            return new Failure(e);
        }
    }

    /** The next item; null at the end of the stream. Rethrows the producer's exception. */
    @SuppressWarnings("unchecked")
    T take() {
        if (finished) {
            return null;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the next batch", e);
        }
        if (item == END) {
            finished = true;
            return null;
        }
        if (item instanceof Failure failure) {
            finished = true;
            if (failure.error() instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) failure.error();
        }
        return (T) item;
    }

    /** Stops the producer and waits for its thread to end. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        queue.clear();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }
}
