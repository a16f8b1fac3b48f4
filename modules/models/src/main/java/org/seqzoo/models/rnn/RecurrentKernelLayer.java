package org.seqzoo.models.rnn;

import java.util.HashMap;
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
 * The runtime layer of seqzoo's {@link GRU} and {@link LSTM} configurations: DL4J plumbing (workspaces,
 * dropout, weight noise, NCW/NWC, stored state for {@code rnnTimeStep} and truncated BPTT) around a
 * {@link RecurrentKernel}, which does the maths.
 *
 * <p>State for {@code rnnTimeStep}, keys as in DL4J's {@code LSTM}: {@link #STATE_KEY_PREV_ACTIVATION} →
 * {@code h}, and for an LSTM {@link #STATE_KEY_PREV_MEMCELL} → {@code c}, each {@code [minibatch, nOut]}.
 * Setting them with {@code rnnSetPreviousState} gives the next {@code rnnTimeStep} an initial state.
 */
public class RecurrentKernelLayer extends BaseRecurrentLayer<GatedRecurrentLayer> {

    /** Key of the hidden state {@code h} in {@link #rnnGetPreviousState()}. */
    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";
    /** Key of the LSTM cell state {@code c} in {@link #rnnGetPreviousState()}. */
    public static final String STATE_KEY_PREV_MEMCELL = "prevMem";

    private final transient RecurrentKernel kernel;

    public RecurrentKernelLayer(NeuralNetConfiguration conf, DataType dataType, RecurrentKernel kernel) {
        super(conf, dataType);
        this.kernel = kernel;
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
        RecurrentKernel.Pass pass = forward(false, state(stateMap), false, workspaceMgr);
        store(pass.lastState(), stateMap);
        return permuteIfNWC(pass.output());
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        RecurrentKernel.Pass pass = forward(training, state(tBpttStateMap), false, workspaceMgr);
        if (storeLastForTBPTT) {
            store(pass.lastState(), tBpttStateMap);
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
        return backprop(epsilon, state(stateMap), tbpttBackLength, workspaceMgr);
    }

    private Pair<Gradient, INDArray> backprop(INDArray epsilon, RecurrentState initialState, int backLength,
                                              LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        RecurrentKernel.Pass pass = forward(true, initialState, true, workspaceMgr);
        RecurrentKernel.InputGradients grads = kernel.backward(weights(true, workspaceMgr),
                GateWeights.of(gradientViews), pass, permuteIfNWC(epsilon), null, backLength, workspaceMgr);
        weightNoiseParams.clear();

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : GatedParamInitializer.getInstance().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        INDArray inputGradient = permuteIfNWC(backpropDropOutIfPresent(grads.input()));
        return new Pair<>(gradient, inputGradient);
    }

    private RecurrentKernel.Pass forward(boolean training, RecurrentState initialState, boolean forBackprop,
                                         LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = permuteIfNWC(input.castTo(dataType));
        return kernel.forward(weights(training, workspaceMgr), x, initialState, maskArray, null, training,
                forBackprop, workspaceMgr);
    }

    private GateWeights weights(boolean training, LayerWorkspaceMgr workspaceMgr) {
        Map<String, INDArray> table = new HashMap<>();
        for (String key : GatedParamInitializer.getInstance().paramKeys(layerConf())) {
            table.put(key, getParamWithNoise(key, training, workspaceMgr));
        }
        return GateWeights.of(table);
    }

    private static RecurrentState state(Map<String, INDArray> map) {
        INDArray h = map.get(STATE_KEY_PREV_ACTIVATION);
        return h == null ? null : new RecurrentState(h, map.get(STATE_KEY_PREV_MEMCELL));
    }

    private static void store(RecurrentState state, Map<String, INDArray> map) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            map.put(STATE_KEY_PREV_ACTIVATION, state.h().dup());
            if (state.c() != null) {
                map.put(STATE_KEY_PREV_MEMCELL, state.c().dup());
            }
        }
    }
}
