package org.seqzoo.data.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ShuffleBufferTest {

    private static List<Integer> shuffle(int n, int capacity, long seed) {
        ShuffleBuffer<Integer> buffer = new ShuffleBuffer<>(capacity, new SplittableRandom(seed));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer leaving = buffer.offer(i);
            if (leaving != null) {
                out.add(leaving);
            }
        }
        Integer rest;
        while ((rest = buffer.poll()) != null) {
            out.add(rest);
        }
        return out;
    }

    @Test
    void permutesDeterministicallyWithinItsReach() {
        List<Integer> shuffled = shuffle(1000, 100, 1);
        assertEquals(IntStream.range(0, 1000).boxed().toList(), shuffled.stream().sorted().toList());
        assertEquals(shuffled, shuffle(1000, 100, 1));
        assertNotEquals(shuffled, shuffle(1000, 100, 2));
        // an item leaves no earlier than (its index - capacity) positions: the buffer's reach is bounded
        for (int position = 0; position < shuffled.size(); position++) {
            assertTrue(shuffled.get(position) <= position + 100);
        }
        assertNull(new ShuffleBuffer<Integer>(3, new SplittableRandom(0)).poll());
    }
}
