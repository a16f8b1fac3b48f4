package org.seqzoo.bench;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Releases a benchmark pass's results at once (their off-heap memory), as the PyTorch models release theirs when
 * their {@code NDManager} closes, so that both frameworks' next passes can reuse the same memory.
 */
final class Released {

    private Released() {
    }

    /** Frees each array's memory, skipping views of memory something else still holds. */
    static void release(INDArray... results) {
        for (INDArray result : results) {
            if (result.closeable()) {
                result.close();
            }
        }
    }
}
