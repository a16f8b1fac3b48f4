package org.seqzoo.models.rnn;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime GRU layer for a {@link GRU} configuration: DL4J plumbing (workspaces, dropout, weight noise,
 * NCW/NWC formats, stored state for {@code rnnTimeStep} and truncated BPTT) around {@link GRUKernel}, which
 * does the maths.
 *
 * <p>State for {@code rnnTimeStep}: {@link #STATE_KEY_PREV_ACTIVATION} → {@code h} {@code [minibatch, nOut]}.
 * Setting it with {@code rnnSetPreviousState} gives the next {@code rnnTimeStep} an initial state.
 */
public class GRULayer extends BaseRecurrentLayer<GRU> {

    /** Key of the hidden state in {@link #rnnGetPreviousState()}. */
    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";

    public GRULayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return permuteIfNWC(forward(training, null, false, workspaceMgr).output());
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        GRUKernel.ForwardPass pass = forward(false, stateMap.get(STATE_KEY_PREV_ACTIVATION), false, workspaceMgr);
        stateMap.put(STATE_KEY_PREV_ACTIVATION, detached(pass.lastState()));
        return permuteIfNWC(pass.output());
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        GRUKernel.ForwardPass pass = forward(training, tBpttStateMap.get(STATE_KEY_PREV_ACTIVATION), false,
                workspaceMgr);
        if (storeLastForTBPTT) {
            tBpttStateMap.put(STATE_KEY_PREV_ACTIVATION, detached(pass.lastState()));
        }
        return permuteIfNWC(pass.output());
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, null, -1, workspaceMgr);
    }

    /**
     * Truncated BPTT: DL4J calls this after the segment's forward pass, while {@code stateMap} still holds
     * the state at the segment's start, so the forward pass is recomputed from there.
     */
    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
                                                          LayerWorkspaceMgr workspaceMgr) {
        return backprop(epsilon, stateMap.get(STATE_KEY_PREV_ACTIVATION), tbpttBackLength, workspaceMgr);
    }

    private Pair<Gradient, INDArray> backprop(INDArray epsilon, INDArray initialState, int backLength,
                                              LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        GRUKernel.ForwardPass pass = forward(true, initialState, true, workspaceMgr);
        GRUKernel.Weights gradients = weights(gradientViews);
        GRUKernel.InputGradients grads = GRUKernel.of(layerConf()).backward(weights(true, workspaceMgr),
                gradients, pass, permuteIfNWC(epsilon), null, backLength, workspaceMgr);
        weightNoiseParams.clear();

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : GRUParamInitializer.getInstance().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        INDArray inputGradient = permuteIfNWC(backpropDropOutIfPresent(grads.input()));
        return new Pair<>(gradient, inputGradient);
    }

    private GRUKernel.ForwardPass forward(boolean training, INDArray initialState, boolean forBackprop,
                                          LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = permuteIfNWC(input.castTo(dataType));
        return GRUKernel.of(layerConf()).forward(weights(training, workspaceMgr), x, initialState, maskArray,
                training, forBackprop, workspaceMgr);
    }

    private GRUKernel.Weights weights(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return new GRUKernel.Weights(
                getParamWithNoise(GRUParamInitializer.INPUT_WEIGHT_KEY, training, workspaceMgr),
                getParamWithNoise(GRUParamInitializer.RECURRENT_WEIGHT_KEY, training, workspaceMgr),
                getParamWithNoise(GRUParamInitializer.BIAS_KEY, training, workspaceMgr),
                layerConf().isResetAfter()
                        ? getParamWithNoise(GRUParamInitializer.RECURRENT_BIAS_KEY, training, workspaceMgr) : null);
    }

    private GRUKernel.Weights weights(Map<String, INDArray> table) {
        return new GRUKernel.Weights(table.get(GRUParamInitializer.INPUT_WEIGHT_KEY),
                table.get(GRUParamInitializer.RECURRENT_WEIGHT_KEY), table.get(GRUParamInitializer.BIAS_KEY),
                table.get(GRUParamInitializer.RECURRENT_BIAS_KEY));
    }

    private static INDArray detached(INDArray state) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return state.dup();
        }
    }
}
