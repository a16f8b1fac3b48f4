package org.seqzoo.models.rnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.seqzoo.models.cpu.FloatGemm;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.cpu.PartBarrier;

/**
 * Forward-only LSTM and GRU passes through oneDNN's fused recurrent primitives ({@link OneDnnCell}:
 * {@code lstm_forward}, {@code lbr_gru_forward}, {@code gru_forward}; inference), the path PyTorch's ATen takes
 * for {@code nn.LSTM} and {@code nn.GRU} on CPU: the input projection of all steps as one product, the gate maths
 * in oneDNN's kernels. The maths is DESIGN.md's LSTM with one bias and its GRU in both forms.
 *
 * <p>The batch is split over {@link KernelThreads} as the kernel loops split it ({@link KernelThreads#parts}); each
 * part runs its own execution of the primitive on its thread with that thread's OpenMP count (one by default), so
 * no OpenMP team is involved: at the benchmark's default shapes two LSTM parts of 32 sequences took 5.9–6.3 ms where
 * one execution on two OpenMP threads took 6.5–7.0 ms, and OpenMP's workers, which spin after each parallel region,
 * no longer compete with what runs next. Each part reads its own {@code tnc} copy of its sequences and writes its
 * rows of one shared C-order {@code [T, B, H]} output (strided for oneDNN), which the output is a view of
 * ({@link SoftmaxOutputLayer} reads it without a copy).
 *
 * <p>A pass is one {@link KernelThreads#run}, in two phases split by a {@link PartBarrier}: first each part copies
 * its sequences into its {@code tnc} buffer with a oneDNN reorder (from the input's own strides, ~0.07 ms for 32
 * sequences) and checks its share of the parameters for changes; then, after part 0 converted the weights again if
 * any share found a change, each part runs the primitive. One hand-off instead of two: a worker thread started a
 * second hand-off 0.1–0.4 ms late here, and the check on both cores takes half as long.
 *
 * <p>Used by {@link LSTMKernel#forward} and {@link GRUKernel#forward} only where it computes the same
 * thing: float32, sigmoid and tanh, no backward pass to follow, no mask (the primitive has no per-sequence
 * lengths), no step input and more than one step; everything else runs the kernel's own loops. The weights come
 * converted from {@link OneDnnRecurrentWeights} (converted again only when they changed). Passes are serialised
 * (one cache of primitives and weights).
 * {@code -Dseqzoo.lstm.onednn=false} and {@code -Dseqzoo.gru.onednn=false} turn the path off for a cell.
 */
final class OneDnnRecurrentInference {

    private static final int MAX_CACHED = 16;

    private static final OneDnnRecurrentWeights WEIGHTS = new OneDnnRecurrentWeights();
    /** Compiled primitives by {@link Key}, most recently used last. */
    private static final Map<Key, Compiled> PRIMITIVES = new LinkedHashMap<>(16, 0.75f, true);
    /** Each part's {@code tnc} input, kept between passes (they are serialised) and grown as needed. */
    private static final List<FloatPointer> STAGED_INPUTS = new ArrayList<>();

    /**
     * What a part's primitives are compiled for: the cell, steps, the part's sequences, the whole batch, nIn, H,
     * whether an initial state is given (else oneDNN starts from zeros), and the input's element strides (batch,
     * feature, step).
     */
    private record Key(OneDnnCell cell, int steps, int rows, int batch, int nIn, int hidden, boolean initialState,
                       long batchStride, long featureStride, long stepStride) {
    }

    /**
     * The recurrent primitive with its description (which gives the memory descriptions of its arguments), and the
     * reorder that copies a part's sequences from the input as it is laid out ({@code staging}) into the primitive's
     * {@code tnc} input.
     */
    private record Compiled(rnn_primitive_desc_base desc, primitive primitive, memory.desc sequences,
                            reorder staging) {

        /** Copies the part's sequences, from element {@code offset} of {@code input}, into {@code staged}. */
        void stage(INDArray input, long offset, memory staged) {
            try (memory source = OneDnn.memory(sequences, input, offset)) {
                stream stream = OneDnn.stream();
                staging.execute(stream, source, staged);
                stream._wait();
            }
        }

        void close() {
            staging.close();
            primitive.close();
            desc.close();
        }
    }

    private OneDnnRecurrentInference() {
    }

    /**
     * Whether the pass described can run here for {@code cell} (see the class comment), {@code cellFn} being the
     * LSTM's cell or the GRU's candidate activation.
     */
    static boolean applies(OneDnnCell cell, INDArray input, INDArray mask, StepInput stepInput, boolean forBackprop,
                           ScalarActivation gateFn, ScalarActivation cellFn) {
        return !forBackprop && mask == null && stepInput == null && input.dataType() == DataType.FLOAT
                && input.size(2) > 1                      // single steps (decoding) gain nothing from per-pass set-up
                && gateFn == ScalarActivation.SIGMOID && cellFn == ScalarActivation.TANH
                && FloatGemm.backend() == FloatGemm.Backend.DNNL
                && cell.enabled();
    }

    /** A finished forward pass: outputs and the last state, nothing for a backward pass. */
    record Pass(INDArray output, RecurrentState lastState) implements RecurrentKernel.Pass {
    }

    /**
     * Runs {@code cell} over {@code input} ({@code [B, nIn, T]} float32, any layout) from {@code initialState} (or
     * zeros) with the weights of {@code weights} (seqzoo's layout); outputs {@code [B, H, T]} as a view of a C-order
     * {@code [T, B, H]} array.
     */
    static Pass forward(OneDnnCell cell, GateWeights weights, INDArray input, RecurrentState initialState,
                        LayerWorkspaceMgr workspaces) {
        int batch = (int) input.size(0);
        int nIn = (int) input.size(1);
        int steps = (int) input.size(2);
        int hidden = (int) weights.hidden();
        INDArray sequences = positiveStrides(input) ? input
                : workspaces.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, input.shape(), 'c')
                .assign(input);
        boolean fromState = initialState != null;
        INDArray h0 = fromState ? cOrder(initialState.h(), workspaces) : null;
        INDArray c0 = fromState && cell.hasCellState() ? cOrder(initialState.c(), workspaces) : null;
        INDArray target = workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {steps, batch, hidden}, 'c');
        INDArray lastH = workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {batch, hidden}, 'c');
        INDArray lastC = cell.hasCellState() ? workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {batch, hidden}, 'c') : null;
        int parts = KernelThreads.parts(batch, steps);
        int[] from = new int[parts + 1];
        for (int p = 0; p < parts; p++) {
            from[p + 1] = (int) ((long) batch * (p + 1) / parts);
        }
        long[] strides = sequences.stride();
        Compiled[] compiled = new Compiled[parts];

        memory[] stagedInputs = new memory[parts];
        synchronized (OneDnnRecurrentInference.class) {
            for (int p = 0; p < parts; p++) {
                int rows = from[p + 1] - from[p];
                compiled[p] = compiled(new Key(cell, steps, rows, batch, nIn, hidden, fromState,
                        strides[0], strides[1], strides[2]));
                stagedInputs[p] = new memory(compiled[p].desc().src_layer_desc(), OneDnn.cpu(),
                        stagedInput(p, (long) steps * rows * nIn));
            }
            OneDnnRecurrentWeights.Kept kept = WEIGHTS.of(cell, weights);
            boolean[] changed = new boolean[parts];
            PartBarrier checked = new PartBarrier(parts);
            PartBarrier converted = new PartBarrier(parts);
            KernelThreads.run(parts, p -> {
                FloatGemm.matchOpenMpThreads();
                try {
                    changed[p] = kept.changed(p, parts);
                    compiled[p].stage(sequences, from[p] * strides[0], stagedInputs[p]);
                } finally {
                    checked.await();
                }
                if (anyOf(changed)) {
                    try {
                        if (p == 0) {
                            kept.convert();
                        }
                    } finally {
                        converted.await();
                    }
                }
                long first = (long) from[p] * hidden;
                rnn_primitive_desc_base desc = compiled[p].desc();
                IntMemoryMap args = new IntMemoryMap();
                List<memory> wrapped = new ArrayList<>();
                try {
                    args.put(dnnl.DNNL_ARG_SRC_LAYER, stagedInputs[p]);
                    if (fromState) {
                        args.put(dnnl.DNNL_ARG_SRC_ITER, wrap(wrapped, desc.src_iter_desc(), h0, first));
                        if (cell.hasCellState()) {
                            args.put(dnnl.DNNL_ARG_SRC_ITER_C, wrap(wrapped, desc.src_iter_c_desc(), c0, first));
                        }
                    }
                    args.put(dnnl.DNNL_ARG_WEIGHTS_LAYER, kept.layer());
                    args.put(dnnl.DNNL_ARG_WEIGHTS_ITER, kept.iter());
                    args.put(dnnl.DNNL_ARG_BIAS, kept.bias());
                    args.put(dnnl.DNNL_ARG_DST_LAYER, wrap(wrapped, desc.dst_layer_desc(), target, first));
                    args.put(dnnl.DNNL_ARG_DST_ITER, wrap(wrapped, desc.dst_iter_desc(), lastH, first));
                    if (cell.hasCellState()) {
                        args.put(dnnl.DNNL_ARG_DST_ITER_C, wrap(wrapped, desc.dst_iter_c_desc(), lastC, first));
                    }
                    memory scratchpad = OneDnn.scratchpad(desc.scratchpad_desc());
                    wrapped.add(scratchpad);
                    args.put(dnnl.DNNL_ARG_SCRATCHPAD, scratchpad);
                    stream stream = OneDnn.stream();
                    compiled[p].primitive().execute(stream, args);
                    stream._wait();
                } finally {
                    args.close();
                    wrapped.forEach(memory::close);
                }
            });
            for (memory staged : stagedInputs) {
                staged.close();
            }
        }
        return new Pass(target.permute(1, 2, 0), new RecurrentState(lastH, lastC));
    }

    private static boolean anyOf(boolean[] flags) {
        for (boolean flag : flags) {
            if (flag) {
                return true;
            }
        }
        return false;
    }

    /** Whether oneDNN can read {@code array} as it is laid out (it takes any positive strides). */
    private static boolean positiveStrides(INDArray array) {
        return Arrays.stream(array.stride()).allMatch(stride -> stride > 0);
    }

    /** A float32 C-order {@code [B, H]} state: the array itself when it is one, else a copy. */
    private static INDArray cOrder(INDArray state, LayerWorkspaceMgr workspaces) {
        return state.dataType() == DataType.FLOAT && state.ordering() == 'c' && Shape.hasDefaultStridesForShape(state)
                ? state
                : workspaces.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, state.shape(), 'c')
                .assign(state);
    }

    /** Part {@code part}'s {@code tnc} input buffer of at least {@code floats} (under the class lock). */
    private static FloatPointer stagedInput(int part, long floats) {
        while (STAGED_INPUTS.size() <= part) {
            STAGED_INPUTS.add(new FloatPointer(1));
        }
        FloatPointer buffer = STAGED_INPUTS.get(part);
        if (buffer.capacity() < floats) {
            buffer.deallocate();
            buffer = new FloatPointer(floats);
            STAGED_INPUTS.set(part, buffer);
        }
        return buffer;
    }

    /** {@link OneDnn#memory}, kept in {@code wrapped} to be closed after the execution. */
    private static memory wrap(List<memory> wrapped, memory.desc desc, INDArray array, long offset) {
        memory memory = OneDnn.memory(desc, array, offset);
        wrapped.add(memory);
        return memory;
    }

    /**
     * The primitives for a part of {@code key.rows()} sequences of a batch of {@code key.batch()}: the cell reads
     * its own {@code tnc} input, writes its rows of the shared {@code [T, B, H]} output (batch stride {@code H},
     * step stride {@code B·H}), starts from zeros unless {@code key.initialState()}, and is given a scratchpad (so
     * that parts can run at once); the reorder fills that input from the part's sequences. Created on first use.
     */
    private static Compiled compiled(Key key) {
        Compiled compiled = PRIMITIVES.get(key);
        if (compiled == null) {
            int steps = key.steps();
            int rows = key.rows();
            int hidden = key.hidden();
            memory.desc iter = OneDnn.desc(memory.format_tag.ldnc, 1, 1, rows, hidden);
            memory.desc initial = key.initialState() ? iter : new memory.desc();
            memory.desc input = OneDnn.desc(memory.format_tag.tnc, steps, rows, key.nIn());
            memory.desc output = OneDnn.strided(new long[] {steps, rows, hidden},
                    new long[] {(long) key.batch() * hidden, hidden, 1});
            OneDnnCell cell = key.cell();
            rnn_primitive_desc_base primitiveDesc = cell.describe(key.nIn(), hidden, input, initial, initial, output,
                    iter, iter);
            memory.desc sequences = OneDnn.strided(new long[] {steps, rows, key.nIn()},
                    new long[] {key.stepStride(), key.batchStride(), key.featureStride()});
            reorder staging = new reorder(new reorder.primitive_desc(OneDnn.cpu(), sequences, OneDnn.cpu(), input));
            compiled = new Compiled(primitiveDesc, cell.create(primitiveDesc), sequences, staging);
            PRIMITIVES.put(key, compiled);
            if (PRIMITIVES.size() > MAX_CACHED) {
                Key eldest = PRIMITIVES.keySet().iterator().next();
                PRIMITIVES.remove(eldest).close();
            }
        }
        return compiled;
    }
}
