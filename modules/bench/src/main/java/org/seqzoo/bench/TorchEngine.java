package org.seqzoo.bench;

/**
 * Starts PyTorch (through DJL) the way the benchmark and the parity tests need it: offline (the native
 * library comes from the {@code pytorch-native-cpu} jar, nothing is downloaded) and, for the benchmark, with
 * a given number of intra-op threads. DJL reads these properties once, when its engine starts, so
 * {@link #configure} must run before anything touches DJL.
 */
final class TorchEngine {

    private TorchEngine() {
    }

    /** Offline, with {@code threads} intra-op threads and one inter-op thread. */
    static void configure(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /** Makes sure DJL at least runs offline if {@link #configure} was not called. */
    static void require() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
