package org.seqzoo.data.batch;

import java.util.SplittableRandom;

/**
 * A bounded shuffle buffer (as tf.data's {@code shuffle(buffer_size)}): holds up to {@code capacity} items;
 * once full, each new item swaps with a uniformly chosen one, which leaves. Memory is bounded by the
 * capacity whatever the stream's length; the larger the buffer, the closer to a full shuffle.
 */
final class ShuffleBuffer<T> {

    private final Object[] items;
    private final SplittableRandom random;
    private int size;

    ShuffleBuffer(int capacity, SplittableRandom random) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Shuffle buffer capacity must be at least 1, got " + capacity);
        }
        this.items = new Object[capacity];
        this.random = random;
    }

    /** Adds an item; returns null while the buffer fills, then a random item (possibly this one) that leaves. */
    @SuppressWarnings("unchecked")
    T offer(T item) {
        if (size < items.length) {
            items[size++] = item;
            return null;
        }
        int k = random.nextInt(items.length + 1);
        if (k == items.length) {
            return item;
        }
        T out = (T) items[k];
        items[k] = item;
        return out;
    }

    /** Removes and returns a random remaining item (draining at the end of the stream); null when empty. */
    @SuppressWarnings("unchecked")
    T poll() {
        if (size == 0) {
            return null;
        }
        int k = random.nextInt(size);
        T out = (T) items[k];
        items[k] = items[--size];
        items[size] = null;
        return out;
    }
}
