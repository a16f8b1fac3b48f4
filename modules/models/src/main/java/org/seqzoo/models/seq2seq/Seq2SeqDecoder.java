package org.seqzoo.models.seq2seq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.seqzoo.models.rnn.RecurrentKernel;
import org.seqzoo.models.rnn.RecurrentState;

/**
 * Incremental decoding with a trained seq2seq graph ({@link Seq2SeqGraphs}): the source is encoded once, then
 * each call to {@link #step} feeds one token per row and returns {@code log P(y_t | y_<t, x)} over the target
 * vocabulary, keeping every decoder state between steps — a sequence of length T costs T steps, never a re-run
 * of the prefix. Rows can be reordered or repeated ({@link State#select}) for beam search.
 *
 * <p>It reads the graph's own parameters (embedding, decoder layers and vertices, output layer), so its steps
 * compute exactly what the graph computes under teacher forcing (a test checks this).
 */
public final class Seq2SeqDecoder {

    private final ComputationGraph graph;
    private final Seq2SeqSpec spec;
    private final DataType type;

    public Seq2SeqDecoder(ComputationGraph graph, Seq2SeqSpec spec) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.type = graph.params().dataType();
    }

    public Seq2SeqSpec spec() {
        return spec;
    }

    /** An encoded source batch: encoder states {@code [B, He, Ts]}, their mask, and the summary {@code C}. */
    public record Encoded(INDArray states, INDArray mask, INDArray summary) {

        /** Rows {@code rows} (e.g. each sentence repeated K times for beam search). */
        public Encoded select(int[] rows) {
            return new Encoded(pick(states, rows), mask == null ? null : pick(mask, rows), pick(summary, rows));
        }

        public int size() {
            return (int) summary.size(0);
        }
    }

    /**
     * Runs the encoder over source ids {@code [B, 1, Ts]} (mask {@code [B, Ts]} or {@code null}).
     */
    public Encoded encode(INDArray sourceIds, INDArray sourceMask) {
        long batch = sourceIds.size(0);
        INDArray start = Nd4j.valueArrayOf(new long[] {batch, 1, 1}, 2.0, type);  // one <s> step; unused here
        Map<String, INDArray> activations;
        try {
            graph.setLayerMaskArrays(new INDArray[] {sourceMask, null}, null);
            activations = graph.feedForward(new INDArray[] {sourceIds.castTo(type), start}, false);
        } finally {
            graph.clearLayerMaskArrays();
        }
        String top = Seq2SeqGraphs.encoderLayer(spec.encoderLayers());
        return new Encoded(activations.get(top).dup(), sourceMask == null ? null : sourceMask.castTo(type).dup(),
                activations.get(Seq2SeqGraphs.SUMMARY).dup());
    }

    /**
     * Everything the decoder carries between steps, for {@code N} rows. Row {@code i} decodes encoded source
     * {@code origin[i]}; rows can be repeated and reordered ({@link #select}).
     */
    public final class State {
        private final Encoded source;
        private final int[] origin;
        private RecurrentState first;
        private final List<Map<String, INDArray>> deeper;
        private final BahdanauAttention attention;
        private final List<INDArray> attentionHistory;

        private State(Encoded source, int[] origin, RecurrentState first, List<Map<String, INDArray>> deeper,
                      BahdanauAttention attention, List<INDArray> attentionHistory) {
            this.source = source;
            this.origin = origin;
            this.first = first;
            this.deeper = deeper;
            this.attention = attention;
            this.attentionHistory = attentionHistory;
        }

        /**
         * A state whose row {@code i} is row {@code rows[i]} of this one (beam expansion and reordering). The
         * source-side arrays (encoder states, attention keys) are copied only when the rows' sources change, so
         * reordering beams within their source costs only the decoder states.
         */
        public State select(int[] rows) {
            int[] newOrigin = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                newOrigin[i] = origin[rows[i]];
            }
            boolean sameSources = java.util.Arrays.equals(newOrigin, origin);
            Encoded src = sameSources ? source : source.select(rows);
            BahdanauAttention attends = attention == null || sameSources ? attention : attention.select(rows);
            RecurrentState firstRows = first == null ? null
                    : new RecurrentState(pick(first.h(), rows), first.c() == null ? null : pick(first.c(), rows));
            List<Map<String, INDArray>> deeperRows = new ArrayList<>();
            for (Map<String, INDArray> layerState : deeper) {
                Map<String, INDArray> selected = new HashMap<>();
                layerState.forEach((key, value) -> selected.put(key, pick(value, rows)));
                deeperRows.add(selected);
            }
            List<INDArray> history = new ArrayList<>();
            for (INDArray weights : attentionHistory) {
                history.add(pick(weights, rows));
            }
            return new State(src, sameSources ? origin : newOrigin, firstRows, deeperRows, attends, history);
        }

        /** Moves what this step left in the step workspace (new states, the last attention weights) out of it. */
        private void detach() {
            if (first != null) {
                first = new RecurrentState(first.h().detach(), first.c() == null ? null : first.c().detach());
            }
            for (Map<String, INDArray> layerState : deeper) {
                layerState.replaceAll((key, value) -> value.detach());
            }
            if (!attentionHistory.isEmpty()) {
                int last = attentionHistory.size() - 1;
                attentionHistory.set(last, attentionHistory.get(last).detach());
            }
        }

        /** Attention weights so far, {@code [N, t, Ts]}, or {@code null} for a model without attention. */
        public INDArray attentionWeights() {
            return attentionHistory.isEmpty() ? null : Nd4j.stack(1, attentionHistory.toArray(new INDArray[0]));
        }

        public int size() {
            return source.size();
        }
    }

    /** The decoder's state before its first step, for an encoded batch. */
    public State start(Encoded source) {
        RecurrentState first = null;
        BahdanauAttention attention = null;
        switch (spec.attention()) {
            case BAHDANAU -> {
                first = bahdanau().initialState(source.summary());
                attention = bahdanau().attention(source.states(), source.mask(), false);
            }
            case LUONG_DOT, LUONG_GENERAL -> first = bridged().initialState(source.summary());
            case NONE -> {
                if (spec.bridge() == Seq2SeqSpec.Bridge.INITIAL_STATE) {
                    first = bridged().initialState(source.summary());
                }
            }
        }
        List<Map<String, INDArray>> deeper = new ArrayList<>();
        int firstLayer = first == null ? 1 : 2;
        for (int i = firstLayer; i <= spec.decoderLayers(); i++) {
            deeper.add(new HashMap<>());
        }
        int[] origin = new int[source.size()];
        for (int i = 0; i < origin.length; i++) {
            origin[i] = i;
        }
        return new State(source, origin, first, deeper, attention, new ArrayList<>());
    }

    /**
     * One decoding step: feeds {@code previous[i]} (the last token of row i: {@code <s>} at first) and returns
     * {@code log P(y_t)} {@code [N, V]}, updating {@code state} in place.
     */
    public INDArray step(State state, int[] previous) {
        if (previous.length != state.size()) {
            throw new IllegalArgumentException(previous.length + " tokens for " + state.size() + " rows");
        }
        // Everything a step allocates lives in a reused workspace; what outlives the step is detached from it.
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WORKSPACE,
                STEP_WORKSPACE_ID)) {
            INDArray logP = stepInWorkspace(state, previous);
            state.detach();
            return logP.detach();
        }
    }

    private static final String STEP_WORKSPACE_ID = "SEQZOO_DECODE_STEP";
    private static final WorkspaceConfiguration STEP_WORKSPACE = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT).build();

    private INDArray stepInWorkspace(State state, int[] previous) {
        INDArray embedded = embed(previous);                                              // [N, E, 1]
        INDArray features;
        switch (spec.attention()) {
            case BAHDANAU -> {
                RecurrentKernel.Pass pass = bahdanau().run(embedded, state.first, state.attention);
                state.first = pass.lastState();
                state.attentionHistory.add(state.attention.lastWeights().dup());
                INDArray context = state.attention.lastContext();                          // [N, He]
                features = Nd4j.concat(1, pass.output(), context.reshape(context.size(0), context.size(1), 1),
                        embedded);
            }
            case LUONG_DOT, LUONG_GENERAL -> {
                RecurrentKernel.Pass pass = bridged().run(embedded, state.first, null);
                state.first = pass.lastState();
                INDArray top = deeperLayers(state, pass.output(), 2);
                LuongAttentionGraphVertex luong = (LuongAttentionGraphVertex) graph.getVertex(Seq2SeqGraphs.ATTENTION);
                LuongAttentionGraphVertex.Attended attended = luong.attend(top, state.source.states(),
                        state.source.mask());
                features = attended.output();
                INDArray weights = attended.weights();                                   // [N, 1, Ts]
                state.attentionHistory.add(weights.reshape(weights.size(0), weights.size(2)).dup());
            }
            default -> {
                if (spec.bridge() == Seq2SeqSpec.Bridge.INITIAL_STATE) {
                    RecurrentKernel.Pass pass = bridged().run(embedded, state.first, null);
                    state.first = pass.lastState();
                    features = deeperLayers(state, pass.output(), 2);
                } else {
                    INDArray context = state.source.summary().reshape(state.size(), spec.encoderOutputSize(), 1);
                    INDArray top = deeperLayers(state, Nd4j.concat(1, embedded, context), 1);
                    features = Nd4j.concat(1, top, embedded, context);
                }
            }
        }
        return logProbabilities(features.reshape(features.size(0), features.size(1)));
    }

    /** Runs DL4J / seqzoo decoder layers {@code from … decoderLayers} one step, with their stored states. */
    private INDArray deeperLayers(State state, INDArray input, int from) {
        INDArray x = input;
        for (int i = from; i <= spec.decoderLayers(); i++) {
            Map<String, INDArray> layerState = state.deeper.get(i - from);
            RecurrentLayer layer = (RecurrentLayer) graph.getLayer(Seq2SeqGraphs.decoderLayer(i));
            layer.rnnSetPreviousState(layerState);
            x = layer.rnnTimeStep(x.castTo(type), LayerWorkspaceMgr.noWorkspaces()).dup();
            layerState.clear();
            layer.rnnGetPreviousState().forEach((key, value) -> layerState.put(key, value.dup()));
            layer.rnnClearPreviousState();
        }
        return x;
    }

    /** The target embedding of one token per row: {@code [N, E, 1]}. */
    private INDArray embed(int[] tokens) {
        INDArray matrix = spec.sharedEmbeddings()
                ? graph.getVertex(Seq2SeqGraphs.SOURCE_EMBEDDING).paramTable(false).get(SharedEmbeddingVertex.WEIGHT_KEY)
                : graph.getLayer(Seq2SeqGraphs.TARGET_EMBEDDING).getParam("W");
        for (int token : tokens) {
            if (token < 0 || token >= matrix.size(0)) {
                throw new IllegalArgumentException("token id " + token + " outside the target vocabulary of size "
                        + matrix.size(0));
            }
        }
        return matrix.getRows(tokens).reshape(tokens.length, matrix.size(1), 1);
    }

    /** {@code log softmax(features · W_o + b_o)} {@code [N, V]} with the output layer's parameters. */
    private INDArray logProbabilities(INDArray features) {
        Layer output = graph.getLayer(Seq2SeqGraphs.OUTPUT);
        INDArray logits = features.castTo(type).mmul(output.getParam("W")).addiRowVector(output.getParam("b"));
        INDArray max = logits.max(true, 1);
        INDArray shifted = logits.subColumnVector(max);
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logSum);
    }

    private RecurrentDecoderGraphVertex bridged() {
        return (RecurrentDecoderGraphVertex) graph.getVertex(Seq2SeqGraphs.decoderLayer(1));
    }

    private BahdanauDecoderGraphVertex bahdanau() {
        return (BahdanauDecoderGraphVertex) graph.getVertex(Seq2SeqGraphs.decoderLayer(1));
    }

    /** Rows {@code rows} along the first axis of {@code array}, as a new C-order array. */
    static INDArray pick(INDArray array, int[] rows) {
        long[] shape = array.shape().clone();
        long perRow = array.length() / shape[0];
        INDArray flat = array.dup('c').reshape('c', shape[0], perRow);
        shape[0] = rows.length;
        return flat.getRows(rows).reshape('c', shape);
    }
}
