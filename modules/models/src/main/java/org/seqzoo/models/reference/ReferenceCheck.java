package org.seqzoo.models.reference;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.imports.TorchRnnImport;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.GRULayer;

/**
 * Reproduces a {@link ReferenceCase} with seqzoo's cells — the seqzoo {@link GRU} or DL4J's {@code LSTM},
 * loaded through {@link TorchRnnImport} — and measures the largest absolute difference from the
 * reference outputs {@code y}, {@code h_n} and {@code c_n}.
 *
 * <p>GRU: the whole batch runs as one masked sequence; the final state is the layer's own state after the
 * sequence (which masking keeps at each sequence's last real step). LSTM: DL4J's layer zeroes its state
 * at masked steps, so the batch is stepped one time step at a time and each sequence's final state is
 * read after its last real step.
 */
public final class ReferenceCheck {

    /** Tolerance the reference README sets: max abs error ≤ 1e-5 (float32). */
    public static final double TOLERANCE = 1e-5;

    /** Outcome: error per output ({@code y}, {@code h_n}, {@code c_n}) and overall. */
    public record Result(ReferenceCase referenceCase, Map<String, Double> errors) {
        public double maxAbsError() {
            return errors.values().stream().mapToDouble(Double::doubleValue).max().orElse(0.0);
        }

        public boolean ok() {
            return maxAbsError() <= TOLERANCE;
        }
    }

    private final DataType dataType;

    /** @param dataType precision the cells run in (FLOAT matches the references' float32). */
    public ReferenceCheck(DataType dataType) {
        this.dataType = dataType;
    }

    public Result run(ReferenceCase c) {
        Outputs out = c.op() == ReferenceCase.Op.GRU ? runGru(c) : runLstm(c);
        Map<String, Double> errors = new LinkedHashMap<>();
        errors.put("y", maxAbsDiff(out.y, c.y()));
        errors.put("h_n", maxAbsDiff(out.hN, c.hN()));
        c.cN().ifPresent(cN -> errors.put("c_n", maxAbsDiff(out.cN, cN)));
        return new Result(c, errors);
    }

    /** Seqzoo outputs in the reference's layout: {@code y [B, T, H]}, states {@code [1, B, H]}. */
    private record Outputs(INDArray y, INDArray hN, INDArray cN) {
    }

    private Outputs runGru(ReferenceCase c) {
        RecurrentLayer layer = singleLayer(new GRU.Builder().nIn(c.inputSize()).nOut(c.hiddenSize())
                .resetAfter(c.resetAfter()).build());
        TorchRnnImport.intoGru(layer, c.weights());
        c.h0().ifPresent(h0 -> layer.rnnSetPreviousState(state(GRULayer.STATE_KEY_PREV_ACTIVATION, h0)));
        if (c.hasPadding()) {
            layer.setMaskArray(c.mask(dataType));
        }
        INDArray y = layer.rnnTimeStep(inputNcw(c), LayerWorkspaceMgr.noWorkspaces());
        INDArray hN = layer.rnnGetPreviousState().get(GRULayer.STATE_KEY_PREV_ACTIVATION);
        return new Outputs(y.permute(0, 2, 1), hN.reshape(1, c.batch(), c.hiddenSize()), null);
    }

    private Outputs runLstm(ReferenceCase c) {
        RecurrentLayer layer = singleLayer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(c.inputSize())
                .nOut(c.hiddenSize()).activation(Activation.TANH).build());
        TorchRnnImport.intoLstm(layer, c.weights());
        if (c.h0().isPresent() || c.c0().isPresent()) {
            Map<String, INDArray> initial = new HashMap<>();
            initial.put(LSTM.STATE_KEY_PREV_ACTIVATION, firstOf(c.h0().orElse(null), c));
            initial.put(LSTM.STATE_KEY_PREV_MEMCELL, firstOf(c.c0().orElse(null), c));
            layer.rnnSetPreviousState(initial);
        }
        INDArray x = inputNcw(c);
        INDArray y = Nd4j.zeros(dataType, c.batch(), c.steps(), c.hiddenSize());
        INDArray hN = Nd4j.zeros(dataType, 1, c.batch(), c.hiddenSize());
        INDArray cN = Nd4j.zeros(dataType, 1, c.batch(), c.hiddenSize());
        for (int t = 0; t < c.steps(); t++) {
            INDArray step = x.get(all(), all(), interval(t, t + 1));
            INDArray out = layer.rnnTimeStep(step, LayerWorkspaceMgr.noWorkspaces());
            Map<String, INDArray> state = layer.rnnGetPreviousState();
            for (int b = 0; b < c.batch(); b++) {
                if (t < c.lengths()[b]) {
                    y.get(point(b), point(t), all()).assign(out.get(point(b), all(), point(0)));
                }
                if (t == c.lengths()[b] - 1) {
                    hN.get(point(0), point(b), all()).assign(state.get(LSTM.STATE_KEY_PREV_ACTIVATION).getRow(b));
                    cN.get(point(0), point(b), all()).assign(state.get(LSTM.STATE_KEY_PREV_MEMCELL).getRow(b));
                }
            }
        }
        return new Outputs(y, hN, cN);
    }

    private RecurrentLayer singleLayer(org.deeplearning4j.nn.conf.layers.Layer conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(dataType)
                .list().layer(conf).build());
        net.init();
        return (RecurrentLayer) net.getLayer(0);
    }

    private INDArray inputNcw(ReferenceCase c) {
        return c.x().castTo(dataType).permute(0, 2, 1).dup('f');
    }

    private INDArray firstOf(INDArray state, ReferenceCase c) {
        return state == null ? Nd4j.zeros(dataType, c.batch(), c.hiddenSize())
                : state.reshape(c.batch(), c.hiddenSize()).castTo(dataType).dup();
    }

    private Map<String, INDArray> state(String key, INDArray value) {
        Map<String, INDArray> state = new HashMap<>();
        state.put(key, value.reshape(value.size(1), value.size(2)).castTo(dataType).dup());
        return state;
    }

    private static double maxAbsDiff(INDArray actual, INDArray expected) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new IllegalStateException("shape " + Arrays.toString(actual.shape()) + " vs reference "
                    + Arrays.toString(expected.shape()));
        }
        return actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
