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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.imports.TorchRnnImport;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.LSTM;
import org.seqzoo.models.rnn.RecurrentKernelLayer;

/**
 * Reproduces a {@link ReferenceCase} with seqzoo's cells — the seqzoo {@link GRU} for GRU cases; seqzoo's
 * {@link LSTM} and DL4J's {@code LSTM} for LSTM cases — loaded through {@link TorchRnnImport}, and measures
 * the largest absolute difference from the reference outputs {@code y}, {@code h_n} and {@code c_n}.
 *
 * <p>Seqzoo's cells run the whole batch as one masked sequence, and the final state is the layer's own state
 * afterwards (masking keeps it at each sequence's last real step). DL4J's LSTM zeroes its state at masked
 * steps, so there the batch is stepped one time step at a time and each sequence's final state is read after
 * its last real step.
 */
public final class ReferenceCheck {

    /** Tolerance the reference README sets: max abs error ≤ 1e-5 (float32). */
    public static final double TOLERANCE = 1e-5;

    /**
     * Outcome: error per implementation and output (e.g. {@code "seqzoo LSTM c_n"}), and overall.
     */
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
        Map<String, Double> errors = new LinkedHashMap<>();
        if (c.op() == ReferenceCase.Op.GRU) {
            RecurrentLayer gru = singleLayer(new GRU.Builder().nIn(c.inputSize()).nOut(c.hiddenSize())
                    .resetAfter(c.resetAfter()).build());
            TorchRnnImport.intoGru(gru, c.weights());
            compare("seqzoo GRU", runMasked(gru, c), c, errors);
        } else {
            RecurrentLayer seqzoo = singleLayer(new LSTM.Builder().nIn(c.inputSize()).nOut(c.hiddenSize()).build());
            TorchRnnImport.intoLstm(seqzoo, c.weights());
            compare("seqzoo LSTM", runMasked(seqzoo, c), c, errors);
            RecurrentLayer dl4j = singleLayer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder()
                    .nIn(c.inputSize()).nOut(c.hiddenSize()).activation(Activation.TANH).build());
            TorchRnnImport.intoLstm(dl4j, c.weights());
            compare("DL4J LSTM", runStepwise(dl4j, c), c, errors);
        }
        return new Result(c, errors);
    }

    /** Outputs in the reference's layout: {@code y [B, T, H]}, states {@code [1, B, H]} ({@code cN} may be null). */
    private record Outputs(INDArray y, INDArray hN, INDArray cN) {
    }

    private static void compare(String name, Outputs out, ReferenceCase c, Map<String, Double> errors) {
        errors.put(name + " y", maxAbsDiff(out.y, c.y()));
        errors.put(name + " h_n", maxAbsDiff(out.hN, c.hN()));
        c.cN().ifPresent(cN -> errors.put(name + " c_n", maxAbsDiff(out.cN, cN)));
    }

    /** A seqzoo layer: one masked pass over the batch from the case's initial state. */
    private Outputs runMasked(RecurrentLayer layer, ReferenceCase c) {
        layer.rnnSetPreviousState(initialState(c));
        if (c.hasPadding()) {
            layer.setMaskArray(c.mask(dataType));
        }
        INDArray y = layer.rnnTimeStep(inputNcw(c), LayerWorkspaceMgr.noWorkspaces());
        Map<String, INDArray> state = layer.rnnGetPreviousState();
        INDArray cN = state.get(RecurrentKernelLayer.STATE_KEY_PREV_MEMCELL);
        return new Outputs(y.permute(0, 2, 1), asReference(state.get(RecurrentKernelLayer.STATE_KEY_PREV_ACTIVATION), c),
                cN == null ? null : asReference(cN, c));
    }

    /** DL4J's LSTM: one step at a time, each sequence's outputs and state kept up to its last real step. */
    private Outputs runStepwise(RecurrentLayer layer, ReferenceCase c) {
        layer.rnnSetPreviousState(initialState(c));
        INDArray x = inputNcw(c);
        INDArray y = Nd4j.zeros(dataType, c.batch(), c.steps(), c.hiddenSize());
        INDArray hN = Nd4j.zeros(dataType, 1, c.batch(), c.hiddenSize());
        INDArray cN = Nd4j.zeros(dataType, 1, c.batch(), c.hiddenSize());
        for (int t = 0; t < c.steps(); t++) {
            INDArray out = layer.rnnTimeStep(x.get(all(), all(), interval(t, t + 1)), LayerWorkspaceMgr.noWorkspaces());
            Map<String, INDArray> state = layer.rnnGetPreviousState();
            for (int b = 0; b < c.batch(); b++) {
                if (t < c.lengths()[b]) {
                    y.get(point(b), point(t), all()).assign(out.get(point(b), all(), point(0)));
                }
                if (t == c.lengths()[b] - 1) {
                    hN.get(point(0), point(b), all()).assign(state.get(LSTM_STATE_H).getRow(b));
                    cN.get(point(0), point(b), all()).assign(state.get(LSTM_STATE_C).getRow(b));
                }
            }
        }
        return new Outputs(y, hN, cN);
    }

    private static final String LSTM_STATE_H = org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_ACTIVATION;
    private static final String LSTM_STATE_C = org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL;

    /** The case's initial state in the keys both seqzoo's and DL4J's layers use ("prevAct", "prevMem"). */
    private Map<String, INDArray> initialState(ReferenceCase c) {
        Map<String, INDArray> state = new HashMap<>();
        state.put(RecurrentKernelLayer.STATE_KEY_PREV_ACTIVATION, firstOf(c.h0().orElse(null), c));
        if (c.op() == ReferenceCase.Op.LSTM) {
            state.put(RecurrentKernelLayer.STATE_KEY_PREV_MEMCELL, firstOf(c.c0().orElse(null), c));
        }
        return state;
    }

    private INDArray asReference(INDArray state, ReferenceCase c) {
        return state.reshape(1, c.batch(), c.hiddenSize());
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

    private static double maxAbsDiff(INDArray actual, INDArray expected) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new IllegalStateException("shape " + Arrays.toString(actual.shape()) + " vs reference "
                    + Arrays.toString(expected.shape()));
        }
        return actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
