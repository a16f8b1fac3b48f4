package org.seqzoo.models.rnn;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
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
 *
 * <p>A training forward pass ({@code activate(true)}, which DL4J runs right before {@code backpropGradient})
 * keeps what the backward pass needs in the activations workspace, which lives until backprop is done, so
 * backprop does not compute the forward pass a second time (a third of a training step's work).
 */
public class RecurrentKernelLayer extends BaseRecurrentLayer<GatedRecurrentLayer> {

    /** Key of the hidden state {@code h} in {@link #rnnGetPreviousState()}. */
    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";
    /** Key of the LSTM cell state {@code c} in {@link #rnnGetPreviousState()}. */
    public static final String STATE_KEY_PREV_MEMCELL = "prevMem";

    private final transient RecurrentKernel kernel;
    /** The last training forward pass, consumed by the next backprop if it is for the same input. */
    private transient TrainingPass lastTrainingPass;

    /** A training forward pass with what it ran on: input, mask and (possibly noisy) weights. */
    private record TrainingPass(INDArray input, INDArray mask, GateWeights weights, RecurrentKernel.Pass pass) {
    }

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
        lastTrainingPass = null;
        if (!training) {
            return permuteIfNWC(forward(false, null, false, workspaceMgr).output());
        }
        assertInputSet(false);
        applyDropOutIfNecessary(true, workspaceMgr);
        GateWeights weights = weights(true, workspaceMgr);
        RecurrentKernel.Pass pass = kernel.forward(weights, permuteIfNWC(input.castTo(dataType)), null, maskArray,
                null, true, true, keptUntilBackprop(workspaceMgr));
        lastTrainingPass = new TrainingPass(input, maskArray, weights, pass);
        return permuteIfNWC(pass.output());
    }

    /**
     * The workspaces of {@code workspaceMgr} with backprop working memory redirected to the activations
     * workspace, so that a forward pass run during DL4J's forward phase stays valid for its backprop.
     */
    private static LayerWorkspaceMgr keptUntilBackprop(LayerWorkspaceMgr workspaceMgr) {
        Set<ArrayType> scopedOut = EnumSet.noneOf(ArrayType.class);
        Map<ArrayType, WorkspaceConfiguration> configs = new EnumMap<>(ArrayType.class);
        Map<ArrayType, String> names = new EnumMap<>(ArrayType.class);
        for (ArrayType type : ArrayType.values()) {
            ArrayType source = type == ArrayType.BP_WORKING_MEM ? ArrayType.ACTIVATIONS : type;
            if (workspaceMgr.isScopedOut(source)) {
                scopedOut.add(type);
            } else if (workspaceMgr.hasConfiguration(source)) {
                configs.put(type, workspaceMgr.getConfiguration(source));
                names.put(type, workspaceMgr.getWorkspaceName(source));
            }
        }
        LayerWorkspaceMgr redirected = new LayerWorkspaceMgr(scopedOut, configs, names);
        redirected.setHelperWorkspacePointers(workspaceMgr.getHelperWorkspacePointers());
        return redirected;
    }

    @Override
    public void clear() {
        super.clear();
        lastTrainingPass = null;
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
        TrainingPass cached = lastTrainingPass;
        lastTrainingPass = null;
        GateWeights weights;
        RecurrentKernel.Pass pass;
        if (cached != null && initialState == null && backLength <= 0 && cached.input() == input
                && cached.mask() == maskArray) {
            weights = cached.weights();
            pass = cached.pass();
        } else {
            weights = weights(true, workspaceMgr);
            pass = forward(weights, true, initialState, true, workspaceMgr);
        }
        RecurrentKernel.InputGradients grads = kernel.backward(weights, GateWeights.of(gradientViews), pass,
                permuteIfNWC(epsilon), null, backLength, workspaceMgr);
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
        return forward(weights(training, workspaceMgr), training, initialState, forBackprop, workspaceMgr);
    }

    private RecurrentKernel.Pass forward(GateWeights weights, boolean training, RecurrentState initialState,
                                         boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = permuteIfNWC(input.castTo(dataType));
        return kernel.forward(weights, x, initialState, maskArray, null, training, forBackprop, workspaceMgr);
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
