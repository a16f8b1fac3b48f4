package org.seqzoo.models.seq2seq;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.rnn.GateWeights;
import org.seqzoo.models.rnn.RecurrentKernel;
import org.seqzoo.models.rnn.RecurrentState;

/**
 * Runtime of {@link BahdanauDecoderVertex}: the cell's {@link RecurrentKernel} with {@link BahdanauAttention}
 * as its per-step input. The attention weights of the last forward pass are kept for inspection
 * ({@link #lastAttentionWeights()}).
 */
public class BahdanauDecoderGraphVertex extends HandWrittenGraphVertex {

    private final BahdanauDecoderVertex conf;
    private final RecurrentKernel kernel;
    private INDArray lastAttentionWeights;

    public BahdanauDecoderGraphVertex(BahdanauDecoderVertex conf, ComputationGraph graph, String name, int index,
                                      INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(conf, graph, name, index, paramsView, initializeParams, dataType);
        this.conf = conf;
        this.kernel = conf.getCell().kernel();
    }

    /**
     * Attention over {@code encoder} states ({@code [B, He, Ts]}), keys computed once for the whole batch;
     * {@code recordHistory} for whole-sequence passes (see {@link BahdanauAttention}).
     */
    BahdanauAttention attention(INDArray encoder, INDArray sourceMask, boolean recordHistory) {
        return new BahdanauAttention(params.get(BahdanauDecoderVertex.QUERY_WEIGHT_KEY),
                params.get(BahdanauDecoderVertex.KEY_WEIGHT_KEY), params.get(BahdanauDecoderVertex.SCORE_WEIGHT_KEY),
                params.get(BahdanauDecoderVertex.CONTEXT_WEIGHT_KEY), encoder.castTo(dataType), sourceMask,
                recordHistory);
    }

    /** The decoder's state before its first step, for a context {@code C} {@code [B, Hc]}. */
    public RecurrentState initialState(INDArray context) {
        return conf.bridge().initialState(params, context.castTo(dataType));
    }

    /** Runs the cell with attention over {@code input} from {@code state}: for step-by-step decoding. */
    RecurrentKernel.Pass run(INDArray input, RecurrentState state, BahdanauAttention attention) {
        return kernel.forward(GateWeights.of(params), input.castTo(dataType), state, null, attention, false, false,
                LayerWorkspaceMgr.noWorkspaces());
    }

    /** Attention weights {@code [B, T, Ts]} of the last forward pass (rows sum to 1, 0 on padding), or null. */
    public INDArray lastAttentionWeights() {
        return lastAttentionWeights;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        BahdanauAttention attention = attention(inputs[1], inputMask(1), true);
        RecurrentKernel.Pass pass = kernel.forward(GateWeights.of(params), inputs[0].castTo(dataType),
                initialState(inputs[2]), inputMask(0), attention, training, false, workspaceMgr);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            lastAttentionWeights = attention.weights().dup();
        }
        return output(pass.output(), attention.contexts(), workspaceMgr);
    }

    /** {@code [s_t; c_t]} {@code [B, H + He, T]}, contexts zeroed at padded target steps like the states. */
    private INDArray output(INDArray states, INDArray contexts, LayerWorkspaceMgr workspaceMgr) {
        long h = states.size(1);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {states.size(0), h + contexts.size(1), states.size(2)}, 'f');
        out.get(all(), interval(0, h), all()).assign(states);
        INDArray contextPart = out.get(all(), interval(h, h + contexts.size(1)), all());
        contextPart.assign(contexts);
        INDArray mask = inputMask(0);
        if (mask != null) {
            contextPart.muli(mask.castTo(dataType).reshape(mask.size(0), 1, mask.size(1)));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray context = inputs[2].castTo(dataType);
        RecurrentState initial = initialState(context);
        BahdanauAttention attention = attention(inputs[1], inputMask(1), true);
        RecurrentKernel.Pass pass = kernel.forward(GateWeights.of(params), inputs[0].castTo(dataType), initial,
                inputMask(0), attention, true, true, workspaceMgr);

        long h = conf.getCell().getNOut();
        long he = conf.getEncoderSize();
        INDArray eps = epsilon.castTo(dataType);
        INDArray contextEps = eps.get(all(), interval(h, h + he), all()).dup();
        INDArray mask = inputMask(0);
        if (mask != null) {
            contextEps.muli(mask.castTo(dataType).reshape(mask.size(0), 1, mask.size(1)));
        }
        INDArray encoderGrad = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, inputs[1].shape(), 'c');
        for (String key : new String[] {BahdanauDecoderVertex.QUERY_WEIGHT_KEY, BahdanauDecoderVertex.KEY_WEIGHT_KEY,
                BahdanauDecoderVertex.SCORE_WEIGHT_KEY, BahdanauDecoderVertex.CONTEXT_WEIGHT_KEY}) {
            gradients.get(key).assign(0.0);
        }
        attention.accumulateInto(new BahdanauAttention.Gradients(gradients.get(BahdanauDecoderVertex.QUERY_WEIGHT_KEY),
                gradients.get(BahdanauDecoderVertex.KEY_WEIGHT_KEY), gradients.get(BahdanauDecoderVertex.SCORE_WEIGHT_KEY),
                gradients.get(BahdanauDecoderVertex.CONTEXT_WEIGHT_KEY), encoderGrad,
                contextEps.permute(2, 1, 0).dup('c')));
        RecurrentKernel.InputGradients grads = kernel.backward(GateWeights.of(params),
                GateWeights.of(gradients), pass, eps.get(all(), interval(0, h), all()), null, -1, workspaceMgr);
        attention.finishBackward();
        INDArray contextGrad = conf.bridge().backward(params, gradients, context, initial, grads.initialState());

        Gradient gradient = new DefaultGradient(getGradientsViewArray());
        gradients.forEach((key, view) -> gradient.gradientForVariable().put(key, view));
        return new Pair<>(gradient, new INDArray[] {grads.input(), encoderGrad,
                workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, contextGrad)});
    }

    @Override
    protected INDArray outputMask() {
        return inputMask(0);
    }
}
