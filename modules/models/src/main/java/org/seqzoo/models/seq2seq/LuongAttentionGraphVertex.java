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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runtime of {@link LuongAttentionVertex}: batched over all decoder steps at once (the attention is after the
 * recurrence, so nothing depends on earlier steps). Keeps the last forward pass's attention weights
 * ({@link #lastAttentionWeights()}).
 */
public class LuongAttentionGraphVertex extends HandWrittenGraphVertex {

    private final LuongAttentionVertex conf;
    private INDArray lastAttentionWeights;

    public LuongAttentionGraphVertex(LuongAttentionVertex conf, ComputationGraph graph, String name, int index,
                                     INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(conf, graph, name, index, paramsView, initializeParams, dataType);
        this.conf = conf;
    }

    /** Everything one pass computes, {@code B} sequences, {@code T} decoder and {@code Ts} source steps. */
    private record Pass(INDArray decoder, INDArray encoder, INDArray keys, INDArray alpha, INDArray combined,
                        INDArray output) {
    }

    /**
     * The pass for decoder states {@code [B, H, T]} over encoder states {@code [B, He, Ts]}: keys
     * {@code [B, H, Ts]}, weights {@code α [B, T, Ts]}, {@code [c; s]} rows {@code [B·T, He + H]} and
     * {@code h~} {@code [B, T, H]}.
     */
    private Pass compute(INDArray decoder, INDArray encoder, INDArray sourceMask) {
        long batch = decoder.size(0);
        long steps = decoder.size(2);
        long he = encoder.size(1);
        long h = decoder.size(1);
        INDArray keys = encoder;
        if (conf.getScore() == LuongAttentionVertex.Score.GENERAL) {
            INDArray encoderColumns = encoder.permute(1, 0, 2).dup('c').reshape('c', he, batch * encoder.size(2));
            keys = params.get(LuongAttentionVertex.SCORE_WEIGHT_KEY).mmul(encoderColumns)
                    .reshape('c', h, batch, encoder.size(2)).permute(1, 0, 2).dup('c');
        }
        INDArray scores = Nd4j.matmul(decoder, keys, null, true, false, false);            // [B, T, Ts]
        INDArray alpha = MaskedSoftmax.forward(scores, sourceMask);
        INDArray contexts = Nd4j.matmul(alpha, encoder, null, false, true, false);         // [B, T, He]
        INDArray combined = Nd4j.concat(2, contexts, decoder.permute(0, 2, 1)).reshape('c', batch * steps, he + h);
        INDArray output = Transforms.tanh(combined.mmul(params.get(LuongAttentionVertex.COMBINE_WEIGHT_KEY)), false)
                .reshape('c', batch, steps, h);
        return new Pass(decoder, encoder, keys, alpha, combined, output);
    }

    /** Attention weights {@code [B, T, Ts]} of the last forward pass (rows sum to 1, 0 on padding), or null. */
    public INDArray lastAttentionWeights() {
        return lastAttentionWeights;
    }

    /** What step-by-step decoding needs: {@code h~} {@code [B, H, T]} and the weights {@code [B, T, Ts]}. */
    record Attended(INDArray output, INDArray weights) {
    }

    /** Attention for decoder states {@code s} {@code [B, H, T]}: for step-by-step decoding. */
    Attended attend(INDArray decoder, INDArray encoder, INDArray sourceMask) {
        Pass pass = compute(decoder.castTo(dataType), encoder.castTo(dataType), sourceMask);
        return new Attended(pass.output.permute(0, 2, 1), pass.alpha);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        Pass pass = compute(inputs[0].castTo(dataType), inputs[1].castTo(dataType), inputMask(1));
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            lastAttentionWeights = pass.alpha.dup();
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, inputs[0].shape(), 'f');
        out.assign(pass.output.permute(0, 2, 1));
        INDArray mask = inputMask(0);
        if (mask != null) {
            out.muli(mask.castTo(dataType).reshape(mask.size(0), 1, mask.size(1)));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray decoder = inputs[0].castTo(dataType);
        INDArray encoder = inputs[1].castTo(dataType);
        Pass pass = compute(decoder, encoder, inputMask(1));
        long batch = decoder.size(0);
        long steps = decoder.size(2);
        long h = decoder.size(1);
        long he = encoder.size(1);

        INDArray eps = epsilon.castTo(dataType).permute(0, 2, 1).dup('c');                // [B, T, H]
        INDArray mask = inputMask(0);
        if (mask != null) {
            eps.muli(mask.castTo(dataType).reshape(mask.size(0), mask.size(1), 1));
        }
        INDArray out = pass.output.reshape('c', batch * steps, h);
        INDArray dPre = eps.reshape('c', batch * steps, h).mul(out.mul(out).rsub(1.0));
        gradients.get(LuongAttentionVertex.COMBINE_WEIGHT_KEY).assign(pass.combined.transpose().mmul(dPre));
        INDArray dCombined = dPre.mmul(params.get(LuongAttentionVertex.COMBINE_WEIGHT_KEY).transpose())
                .reshape('c', batch, steps, he + h);
        INDArray dContexts = dCombined.get(all(), all(), interval(0, he)).dup('c');           // [B, T, He]
        INDArray dDecoder = dCombined.get(all(), all(), interval(he, he + h)).permute(0, 2, 1).dup('c'); // [B,H,T]

        INDArray dAlpha = Nd4j.matmul(dContexts, encoder);                                 // [B, T, Ts]
        INDArray dEncoder = Nd4j.matmul(dContexts, pass.alpha, null, true, false, false);  // [B, He, Ts]
        INDArray dScores = MaskedSoftmax.backward(pass.alpha, dAlpha);
        dDecoder.addi(Nd4j.matmul(pass.keys, dScores, null, false, true, false));          // [B, H, T]
        INDArray dKeys = Nd4j.matmul(decoder, dScores);                                    // [B, H, Ts]
        if (conf.getScore() == LuongAttentionVertex.Score.GENERAL) {
            long sourceSteps = encoder.size(2);
            INDArray dKeyColumns = dKeys.permute(1, 0, 2).dup('c').reshape('c', h, batch * sourceSteps);
            INDArray encoderColumns = encoder.permute(1, 0, 2).dup('c').reshape('c', he, batch * sourceSteps);
            gradients.get(LuongAttentionVertex.SCORE_WEIGHT_KEY).assign(dKeyColumns.mmul(encoderColumns.transpose()));
            dEncoder.addi(params.get(LuongAttentionVertex.SCORE_WEIGHT_KEY).transpose().mmul(dKeyColumns)
                    .reshape('c', he, batch, sourceSteps).permute(1, 0, 2));
        } else {
            dEncoder.addi(dKeys);
        }

        Gradient gradient = new DefaultGradient(getGradientsViewArray());
        gradients.forEach((key, view) -> gradient.gradientForVariable().put(key, view));
        return new Pair<>(gradient, new INDArray[] {workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dDecoder),
                workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dEncoder)});
    }

    @Override
    protected INDArray outputMask() {
        return inputMask(0);
    }
}
