package org.seqzoo.models.seq2seq;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.GateWeights;
import org.seqzoo.models.rnn.RecurrentKernel;
import org.seqzoo.models.rnn.RecurrentState;

/**
 * Runtime of {@link RecurrentDecoderVertex}: the bridge, then the cell's {@link RecurrentKernel} from that
 * initial state; the backward pass returns the gradient for the decoder inputs and for {@code C}.
 */
public class RecurrentDecoderGraphVertex extends HandWrittenGraphVertex {

    private final RecurrentDecoderVertex conf;
    private final RecurrentKernel kernel;

    public RecurrentDecoderGraphVertex(RecurrentDecoderVertex conf, ComputationGraph graph, String name, int index,
                                       INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(conf, graph, name, index, paramsView, initializeParams, dataType);
        this.conf = conf;
        this.kernel = conf.getCell().kernel();
    }

    /** The decoder's state before its first step, for a context {@code C} {@code [B, Hc]}. */
    public RecurrentState initialState(INDArray context) {
        return conf.bridge().initialState(params, context.castTo(dataType));
    }

    /** Runs the cell over {@code input} ({@code [B, nIn, T]}) from {@code state}: for step-by-step decoding. */
    public RecurrentKernel.Pass run(INDArray input, RecurrentState state, INDArray mask) {
        return kernel.forward(GateWeights.of(params), input.castTo(dataType), state, mask, null, false, false,
                LayerWorkspaceMgr.noWorkspaces());
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        RecurrentState initial = initialState(inputs[1]);
        return kernel.forward(GateWeights.of(params), inputs[0].castTo(dataType), initial, inputMask(0), null,
                training, false, workspaceMgr).output();
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray context = inputs[1].castTo(dataType);
        RecurrentState initial = initialState(context);
        RecurrentKernel.Pass pass = kernel.forward(GateWeights.of(params), inputs[0].castTo(dataType), initial,
                inputMask(0), null, true, true, workspaceMgr);
        RecurrentKernel.InputGradients grads = kernel.backward(GateWeights.of(params),
                GateWeights.of(gradients), pass, epsilon, null, -1, workspaceMgr);
        INDArray contextGrad = conf.bridge().backward(params, gradients, context, initial, grads.initialState());

        Gradient gradient = new DefaultGradient(getGradientsViewArray());
        gradients.forEach((key, view) -> gradient.gradientForVariable().put(key, view));
        return new Pair<>(gradient, new INDArray[] {grads.input(),
                workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, contextGrad)});
    }

    @Override
    protected INDArray outputMask() {
        return inputMask(0);
    }
}
