package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.seqzoo.models.testing.Cell;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * State handling of seqzoo's recurrent layers: stepping in chunks equals one pass, masked steps output exactly
 * 0 and keep the state (h and the LSTM's c), an initial state is used, truncated BPTT carries the state across
 * segments.
 */
@ExtendWith(DoublePrecision.class)
class RecurrentLayerStateTest {

    private static final int BATCH = 3;
    private static final int IN = 4;
    private static final int HIDDEN = 5;
    private static final int STEPS = 6;


    @ParameterizedTest
    @EnumSource(Cell.class)
    void steppingInChunksEqualsOnePass(Cell cell) {
        MultiLayerNetwork net = network(cell, BackpropType.Standard);
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray full = net.output(x);
        INDArray first = net.rnnTimeStep(x.get(all(), all(), interval(0, 2)));
        INDArray rest = net.rnnTimeStep(x.get(all(), all(), interval(2, STEPS)));
        assertClose(full.get(all(), all(), interval(0, 2)), first, 1e-12);
        assertClose(full.get(all(), all(), interval(2, STEPS)), rest, 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void maskedStepsOutputZeroAndKeepTheState(Cell cell) {
        MultiLayerNetwork net = network(cell, BackpropType.Standard);
        RecurrentKernelLayer layer = (RecurrentKernelLayer) net.getLayer(0);
        int[] lengths = {6, 4, 1};
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, BATCH, STEPS);
        for (int b = 0; b < BATCH; b++) {
            mask.get(point(b), interval(0, lengths[b])).assign(1.0);
        }
        layer.setMaskArray(mask);
        INDArray out = layer.rnnTimeStep(x, LayerWorkspaceMgr.noWorkspaces());
        Map<String, INDArray> finalState = layer.rnnGetPreviousState();

        for (int b = 0; b < BATCH; b++) {
            if (lengths[b] < STEPS) {
                INDArray padded = out.get(point(b), all(), interval(lengths[b], STEPS));
                assertEquals(0.0, padded.amaxNumber().doubleValue(), 0.0,
                        "padded steps of sequence " + b + " must output exactly 0");
            }
            // The same sequence alone, unpadded, for exactly its length.
            layer.setMaskArray(null);
            layer.rnnClearPreviousState();
            INDArray alone = layer.rnnTimeStep(x.get(interval(b, b + 1), all(), interval(0, lengths[b])),
                    LayerWorkspaceMgr.noWorkspaces());
            assertClose(alone, out.get(interval(b, b + 1), all(), interval(0, lengths[b])), 1e-12);
            for (Map.Entry<String, INDArray> state : layer.rnnGetPreviousState().entrySet()) {
                assertClose(state.getValue(), finalState.get(state.getKey()).get(interval(b, b + 1), all()), 1e-12);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void initialStateIsUsedByRnnTimeStep(Cell cell) {
        MultiLayerNetwork net = network(cell, BackpropType.Standard);
        RecurrentKernelLayer layer = (RecurrentKernelLayer) net.getLayer(0);
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray zeroStart = layer.rnnTimeStep(x, LayerWorkspaceMgr.noWorkspaces()).dup();
        RecurrentState initial = new RecurrentState(Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN),
                cell == Cell.LSTM ? Nd4j.randn(DataType.DOUBLE, BATCH, HIDDEN) : null);
        Map<String, INDArray> state = new HashMap<>();
        state.put(RecurrentKernelLayer.STATE_KEY_PREV_ACTIVATION, initial.h());
        if (initial.c() != null) {
            state.put(RecurrentKernelLayer.STATE_KEY_PREV_MEMCELL, initial.c());
        }
        layer.rnnSetPreviousState(state);
        INDArray fromInitial = layer.rnnTimeStep(x, LayerWorkspaceMgr.noWorkspaces());
        assertTrue(zeroStart.sub(fromInitial).amaxNumber().doubleValue() > 1e-3, "initial state had no effect");

        INDArray direct = cell.kernel().forward(GateWeights.of(layer.paramTable()), x, initial, null, null, false,
                false, LayerWorkspaceMgr.noWorkspaces()).output();
        assertClose(direct, fromInitial, 0.0);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void storedStateSegmentsEqualOnePass(Cell cell) {
        MultiLayerNetwork net = network(cell, BackpropType.Standard);
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray full = net.output(x);
        net.rnnClearPreviousState();
        INDArray first = net.rnnActivateUsingStoredState(x.get(all(), all(), interval(0, 3)), false, true)
                .get(2);
        net.updateRnnStateWithTBPTTState();
        INDArray second = net.rnnActivateUsingStoredState(x.get(all(), all(), interval(3, STEPS)), false, true)
                .get(2);
        assertClose(full.get(all(), all(), interval(0, 3)), first, 1e-12);
        assertClose(full.get(all(), all(), interval(3, STEPS)), second, 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void singleSegmentTruncatedBpttGivesTheFullGradient(Cell cell) {
        MultiLayerNetwork standard = network(cell, BackpropType.Standard);
        MultiLayerNetwork truncated = network(cell, BackpropType.TruncatedBPTT);
        truncated.setParams(standard.params().dup());
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray y = labels();
        standard.setInput(x);
        standard.setLabels(y);
        standard.computeGradientAndScore();
        truncated.setInput(x);
        truncated.setLabels(y);
        truncated.rnnClearPreviousState();
        truncated.computeGradientAndScore();
        Gradient tbptt = truncated.gradient();
        assertClose(standard.gradient().gradient(), tbptt.gradient(), 1e-10);
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void truncatedBpttTrainingReducesTheLoss(Cell cell) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Adam(0.05)).list()
                .layer(cell.builder().nIn(IN).nOut(HIDDEN).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HIDDEN).nOut(3).dataFormat(RNNFormat.NCW).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(2).tBPTTBackwardLength(2)
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet data = new DataSet(Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS), labels());
        double before = net.score(data);
        for (int i = 0; i < 30; i++) {
            net.fit(data);
        }
        double after = net.score(data);
        assertTrue(after < 0.75 * before, "loss " + before + " -> " + after);
    }

    private static MultiLayerNetwork network(Cell cell, BackpropType backprop) {
        Nd4j.getRandom().setSeed(99);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(99).dataType(DataType.DOUBLE)
                .list()
                .layer(cell.builder().nIn(IN).nOut(HIDDEN).biasInit(0.2).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HIDDEN).nOut(3).dataFormat(RNNFormat.NCW).build())
                .backpropType(backprop).tBPTTForwardLength(STEPS).tBPTTBackwardLength(STEPS)
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray labels() {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, BATCH, 3, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                labels.putScalar(b, (b + t) % 3, t, 1.0);
            }
        }
        return labels;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()));
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tolerance, "max abs difference " + diff + " > " + tolerance);
    }
}
