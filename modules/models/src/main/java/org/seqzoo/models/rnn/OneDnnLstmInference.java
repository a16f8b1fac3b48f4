package org.seqzoo.models.rnn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.seqzoo.models.cpu.FloatGemm;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.cpu.NativeArray;

/**
 * Forward-only LSTM passes through oneDNN's fused LSTM primitive ({@code lstm_forward}, inference), the path
 * PyTorch's ATen takes for {@code nn.LSTM} on CPU: the input projection of all steps as one product, the gate
 * maths in JIT-compiled kernels. The maths is DESIGN.md's LSTM with one bias.
 *
 * <p>The batch is split over {@link KernelThreads} as the kernel loops split it ({@link KernelThreads#parts}); each
 * part runs its own execution of the primitive on its thread with that thread's OpenMP count (one by default), so
 * no OpenMP team is involved: at the benchmark's default shapes two parts of 32 sequences took 5.9–6.3 ms where
 * one execution on two OpenMP threads took 6.5–7.0 ms, and OpenMP's workers, which spin after each parallel region,
 * no longer compete with what runs next. Each part reads its own {@code tnc} copy of its sequences and writes its
 * rows of one shared C-order {@code [T, B, H]} output (strided for oneDNN), which the output is a view of
 * ({@link SoftmaxOutputLayer} reads it without a copy).
 *
 * <p>Used by {@link LSTMKernel#forward} only where it computes the same thing: float32, sigmoid and tanh, no
 * backward pass to follow, no mask (the primitive has no per-sequence lengths), no step input and more than one
 * step; everything else runs the kernel's own loops. The weights come converted from {@link OneDnnLstmWeights}
 * (converted again only when they changed). Passes are serialised (one cache of primitives and weights).
 * {@code -Dseqzoo.lstm.onednn=false} turns the path off.
 */
final class OneDnnLstmInference {

    /** System property: {@code false} keeps LSTM inference on the kernel's own loops. */
    static final String PROPERTY = "seqzoo.lstm.onednn";
    private static final int MAX_CACHED = 16;

    private static final OneDnnLstmWeights WEIGHTS = new OneDnnLstmWeights();
    /** Compiled primitives by shape {@code (T, part batch, batch, nIn, H)}, most recently used last. */
    private static final Map<Key, Compiled> PRIMITIVES = new LinkedHashMap<>(16, 0.75f, true);

    /** The shape a primitive is compiled for: steps, the part's sequences, the whole batch, nIn, H. */
    private record Key(int steps, int rows, int batch, int nIn, int hidden) {
    }

    /** A primitive with its description (which gives the memory descriptions of its arguments). */
    private record Compiled(lstm_forward.primitive_desc desc, lstm_forward primitive) {
        void close() {
            primitive.close();
            desc.close();
        }
    }

    private OneDnnLstmInference() {
    }

    /** Whether the pass described can run here (see the class comment). */
    static boolean applies(INDArray input, INDArray mask, StepInput stepInput, boolean forBackprop,
                           ScalarActivation gateFn, ScalarActivation cellFn) {
        return !forBackprop && mask == null && stepInput == null && input.dataType() == DataType.FLOAT
                && input.size(2) > 1                      // single steps (decoding) gain nothing from per-pass set-up
                && gateFn == ScalarActivation.SIGMOID && cellFn == ScalarActivation.TANH
                && FloatGemm.backend() == FloatGemm.Backend.DNNL
                && !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
    }

    /** A finished forward pass: outputs and the last state, nothing for a backward pass. */
    record Pass(INDArray output, RecurrentState lastState) implements RecurrentKernel.Pass {
    }

    /**
     * Runs the LSTM over {@code input} ({@code [B, nIn, T]} float32, any layout) from {@code initialState} (or
     * zeros) with the weights of {@code weights} (seqzoo's layout); outputs {@code [B, H, T]} as a view of a C-order
     * {@code [T, B, H]} array.
     */
    static Pass forward(GateWeights weights, INDArray input, RecurrentState initialState,
                        LayerWorkspaceMgr workspaces) {
        int batch = (int) input.size(0);
        int nIn = (int) input.size(1);
        int steps = (int) input.size(2);
        int hidden = (int) weights.hidden();
        INDArray sequences = input.ordering() == 'c' && Shape.hasDefaultStridesForShape(input) ? input
                : workspaces.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, input.shape(), 'c')
                .assign(input);
        INDArray h0 = state(initialState == null ? null : initialState.h(), batch, hidden, workspaces);
        INDArray c0 = state(initialState == null ? null : initialState.c(), batch, hidden, workspaces);
        INDArray target = workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {steps, batch, hidden}, 'c');
        INDArray lastH = workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {batch, hidden}, 'c');
        INDArray lastC = workspaces.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {batch, hidden}, 'c');
        int parts = KernelThreads.parts(batch, steps);
        int[] from = new int[parts + 1];
        Compiled[] compiled = new Compiled[parts];
        INDArray[] inputs = new INDArray[parts];

        synchronized (OneDnnLstmInference.class) {
            for (int p = 0; p < parts; p++) {
                from[p + 1] = (int) ((long) batch * (p + 1) / parts);
            }
            for (int p = 0; p < parts; p++) {
                int rows = from[p + 1] - from[p];
                compiled[p] = compiled(steps, rows, batch, nIn, hidden);
                inputs[p] = workspaces.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT,
                        new long[] {steps, rows, nIn}, 'c');
            }
            OneDnnLstmWeights.Converted converted = WEIGHTS.of(weights);
            KernelThreads.run(parts, p -> {
                int first = from[p];
                int rows = from[p + 1] - first;
                copyStepMajor(sequences, first, rows, inputs[p]);
                FloatGemm.matchOpenMpThreads();
                lstm_forward.primitive_desc desc = compiled[p].desc();
                IntMemoryMap args = new IntMemoryMap();
                List<memory> wrapped = new ArrayList<>();
                try {
                    args.put(dnnl.DNNL_ARG_SRC_LAYER, wrap(wrapped, desc.src_layer_desc(), inputs[p], 0));
                    args.put(dnnl.DNNL_ARG_SRC_ITER, wrap(wrapped, desc.src_iter_desc(), h0, first * hidden));
                    args.put(dnnl.DNNL_ARG_SRC_ITER_C, wrap(wrapped, desc.src_iter_c_desc(), c0, first * hidden));
                    args.put(dnnl.DNNL_ARG_WEIGHTS_LAYER, converted.layer());
                    args.put(dnnl.DNNL_ARG_WEIGHTS_ITER, converted.iter());
                    args.put(dnnl.DNNL_ARG_BIAS, converted.bias());
                    args.put(dnnl.DNNL_ARG_DST_LAYER, wrap(wrapped, desc.dst_layer_desc(), target,
                            first * hidden));
                    args.put(dnnl.DNNL_ARG_DST_ITER, wrap(wrapped, desc.dst_iter_desc(), lastH, first * hidden));
                    args.put(dnnl.DNNL_ARG_DST_ITER_C, wrap(wrapped, desc.dst_iter_c_desc(), lastC,
                            first * hidden));
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
        }
        return new Pass(target.permute(1, 2, 0), new RecurrentState(lastH, lastC));
    }

    /**
     * Sequences {@code first … first+rows-1} of a C-order input {@code [B, nIn, T]} as oneDNN's {@code tnc}: a
     * C-order {@code [T, rows, nIn]} copy, transposed by a Java loop, sequence by sequence.
     */
    private static void copyStepMajor(INDArray input, int first, int rows, INDArray tnc) {
        int nIn = (int) input.size(1);
        int steps = (int) input.size(2);
        float[] sequences = new float[rows * nIn * steps];                           // [rows, nIn, T]
        NativeArray.of(input).readFloats(first * nIn * steps, sequences, 0, sequences.length);
        float[] stepRows = new float[sequences.length];                              // [T, rows, nIn]
        for (int b = 0; b < rows; b++) {                         // one sequence's [nIn, T] block at a time (in L1)
            for (int t = 0; t < steps; t++) {
                int row = (t * rows + b) * nIn;
                for (int i = 0; i < nIn; i++) {
                    stepRows[row + i] = sequences[(b * nIn + i) * steps + t];
                }
            }
        }
        NativeArray.of(tnc).writeFloats(0, stepRows, 0, stepRows.length);
    }

    /** A C-order {@code [B, H]} copy of a state, or zeros. */
    private static INDArray state(INDArray state, int batch, int hidden, LayerWorkspaceMgr workspaces) {
        INDArray out = workspaces.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT,
                new long[] {batch, hidden}, 'c');
        return state == null ? out.assign(0.0) : out.assign(state);
    }

    /** {@link OneDnn#memory}, kept in {@code wrapped} to be closed after the execution. */
    private static memory wrap(List<memory> wrapped, memory.desc desc, INDArray array, long offset) {
        memory memory = OneDnn.memory(desc, array, offset);
        wrapped.add(memory);
        return memory;
    }

    /**
     * The primitive's description for a part of {@code rows} sequences of a batch of {@code batch}: its own
     * {@code tnc} input, its rows of the shared {@code [T, B, H]} output (batch stride {@code H}, step stride
     * {@code B·H}), a scratchpad it is given (so that parts can run at once); created on first use.
     */
    private static Compiled compiled(int steps, int rows, int batch, int nIn, int hidden) {
        Key key = new Key(steps, rows, batch, nIn, hidden);
        Compiled compiled = PRIMITIVES.get(key);
        if (compiled == null) {
            memory.desc iter = OneDnn.desc(memory.format_tag.ldnc, 1, 1, rows, hidden);
            memory.desc output = OneDnn.strided(new long[] {steps, rows, hidden},
                    new long[] {(long) batch * hidden, hidden, 1});
            lstm_forward.desc desc = new lstm_forward.desc(dnnl.prop_kind.forward_inference,
                    dnnl.rnn_direction.unidirectional_left2right,
                    OneDnn.desc(memory.format_tag.tnc, steps, rows, nIn), iter, iter,
                    OneDnn.desc(memory.format_tag.ldigo, 1, 1, nIn, 4, hidden),
                    OneDnn.desc(memory.format_tag.ldigo, 1, 1, hidden, 4, hidden),
                    OneDnn.desc(memory.format_tag.ldgo, 1, 1, 4, hidden), output, iter, iter);
            lstm_forward.primitive_desc primitiveDesc = new lstm_forward.primitive_desc(desc, OneDnn.userScratchpad(),
                    OneDnn.cpu());
            compiled = new Compiled(primitiveDesc, new lstm_forward(primitiveDesc));
            PRIMITIVES.put(key, compiled);
            if (PRIMITIVES.size() > MAX_CACHED) {
                Key eldest = PRIMITIVES.keySet().iterator().next();
                PRIMITIVES.remove(eldest).close();
            }
        }
        return compiled;
    }
}
