package org.seqzoo.models.rnn;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.softmax_forward;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.cpu.FloatGemm;

/**
 * {@link SoftmaxCrossEntropy#probabilities} in float32 through oneDNN: for a range of tokens, the logits
 * {@code Z = Xᵀ W + b} by a matmul primitive (bias included) straight into the output rows, then oneDNN's softmax
 * in place. Its JIT-compiled softmax took 0.08 ms for 960 tokens × 100 classes on one thread, where seqzoo's
 * vectorised rows (in double, for an accurate exp from multiplies and adds) took ~0.4–0.5 ms. The loss and the
 * gradients keep seqzoo's rows, which compute them in the same pass, and so do small blocks ({@link #MIN_CLASSES},
 * {@link #MIN_LOGITS}), where calling the primitives costs more than they save.
 *
 * <p>Primitives are compiled per shape on first use and kept (at most {@value #MAX_CACHED}); {@link #compiled}
 * runs on the calling thread, the returned {@link Compiled#run} on any number of threads at once (each with its
 * own scratchpad).
 */
final class OneDnnProbabilities {

    private static final int MAX_CACHED = 16;
    /** Fewest classes worth it: at 15 classes (1920 tokens) oneDNN took 0.85 ms where the Java rows took 0.36. */
    static final int MIN_CLASSES = 32;
    /**
     * Fewest logits (tokens × classes) worth it: a primitive's execution costs tens of µs more than a Java call (32
     * tokens × 15 classes: 0.045 against 0.010 ms); from 512 × 100 down the Java rows were faster, from 1920 × 32 up
     * oneDNN (1920 × 100: 0.80 against 0.98 ms; 640 × 2000: 3.3 against 4.9 ms).
     */
    static final long MIN_LOGITS = 65_536;
    private static final Map<Key, Compiled> PRIMITIVES = new LinkedHashMap<>(16, 0.75f, true);

    private OneDnnProbabilities() {
    }

    /** The shape of one range of tokens: how many, the sizes, the input's layout and length, with or without bias. */
    private record Key(int rows, int features, int classes, int tokens, boolean tokenRows, boolean bias) {
    }

    /** Whether float32 probabilities of {@code x} ({@code tokens} of them, over {@code classes}) go through oneDNN. */
    static boolean applies(INDArray x, int tokens, int classes) {
        return x.dataType() == DataType.FLOAT && FloatGemm.backend() == FloatGemm.Backend.DNNL
                && classes >= MIN_CLASSES && (long) tokens * classes >= MIN_LOGITS;
    }

    /** The two primitives for one shape. */
    static final class Compiled {
        private final matmul.primitive_desc logitsDesc;
        private final matmul logits;
        private final softmax_forward.primitive_desc softmaxDesc;
        private final softmax_forward softmax;
        private final long scratchpadBytes;
        private final Key key;

        private Compiled(Key key) {
            this.key = key;
            memory.desc source = key.tokenRows()
                    ? OneDnn.strided(new long[] {key.rows(), key.features()}, new long[] {key.features(), 1})
                    : OneDnn.strided(new long[] {key.rows(), key.features()}, new long[] {1, key.tokens()});
            memory.desc weights = OneDnn.strided(new long[] {key.features(), key.classes()},
                    new long[] {1, key.features()});                             // a DL4J 'f'-order [nIn, nOut]
            memory.desc rows = OneDnn.desc(memory.format_tag.ab, key.rows(), key.classes());
            matmul.desc logitsOp = key.bias()
                    ? new matmul.desc(source, weights, OneDnn.desc(memory.format_tag.ab, 1, key.classes()), rows)
                    : new matmul.desc(source, weights, rows);
            logitsDesc = new matmul.primitive_desc(logitsOp, OneDnn.userScratchpad(), OneDnn.cpu());
            logits = new matmul(logitsDesc);
            softmaxDesc = new softmax_forward.primitive_desc(
                    new softmax_forward.desc(dnnl.prop_kind.forward_inference, rows, 1), OneDnn.userScratchpad(),
                    OneDnn.cpu());
            softmax = new softmax_forward(softmaxDesc);
            scratchpadBytes = Math.max(logitsDesc.scratchpad_desc().get_size(),
                    softmaxDesc.scratchpad_desc().get_size());
        }

        /**
         * Rows {@code from … from+rows-1} of {@code P = softmax(Xᵀ W + b)} into {@code p}: {@code x} as
         * {@link SoftmaxCrossEntropy} takes it, {@code w} {@code 'f'} {@code [F, V]}, {@code b} {@code [1, V]}
         * or {@code null}, {@code p} C-order {@code [N, V]}.
         */
        void run(INDArray x, INDArray w, INDArray b, INDArray p, int from) {
            FloatGemm.matchOpenMpThreads();
            long sourceOffset = key.tokenRows() ? (long) from * key.features() : from;
            stream stream = OneDnn.stream();
            try (memory source = OneDnn.memory(logitsDesc.src_desc(), x, sourceOffset);
                 memory weights = OneDnn.memory(logitsDesc.weights_desc(), w, 0);
                 memory bias = b == null ? null : OneDnn.memory(logitsDesc.bias_desc(), b, 0);
                 memory rows = OneDnn.memory(logitsDesc.dst_desc(), p, (long) from * key.classes());
                 memory logitsScratchpad = OneDnn.scratchpad(logitsDesc.scratchpad_desc(), scratchpadBytes);
                 memory softmaxScratchpad = OneDnn.scratchpad(softmaxDesc.scratchpad_desc(), scratchpadBytes);
                 IntMemoryMap softmaxArgs = new IntMemoryMap();
                 IntMemoryMap args = new IntMemoryMap()) {
                args.put(dnnl.DNNL_ARG_SRC, source);
                args.put(dnnl.DNNL_ARG_WEIGHTS, weights);
                if (bias != null) {
                    args.put(dnnl.DNNL_ARG_BIAS, bias);
                }
                args.put(dnnl.DNNL_ARG_DST, rows);
                args.put(dnnl.DNNL_ARG_SCRATCHPAD, logitsScratchpad);
                logits.execute(stream, args);
                softmaxArgs.put(dnnl.DNNL_ARG_SRC, rows);
                softmaxArgs.put(dnnl.DNNL_ARG_DST, rows);
                softmaxArgs.put(dnnl.DNNL_ARG_SCRATCHPAD, softmaxScratchpad);
                softmax.execute(stream, softmaxArgs);
                stream._wait();
            }
        }
    }

    /** The primitives for {@code rows} tokens of {@code tokens} ({@code x}'s layout as {@code tokenRows} says). */
    static synchronized Compiled compiled(int rows, int features, int classes, int tokens, boolean tokenRows,
                                          boolean bias) {
        Key key = new Key(rows, features, classes, tokens, tokenRows, bias);
        Compiled compiled = PRIMITIVES.get(key);
        if (compiled == null) {
            compiled = new Compiled(key);
            PRIMITIVES.put(key, compiled);
            if (PRIMITIVES.size() > MAX_CACHED) {                  // dropped, not closed: a pass may still run it
                PRIMITIVES.remove(PRIMITIVES.keySet().iterator().next());
            }
        }
        return compiled;
    }
}
