package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.models.testing.Cell;
import org.seqzoo.models.testing.ReverseTask;

/**
 * {@link OneDnnRecurrentInference} computes what {@link LSTMKernel}'s and {@link GRUKernel}'s (both forms) own
 * float32 loops compute — outputs and last states, with and without an initial state, for C- and {@code 'f'}-order
 * inputs and strided views, whole or split over threads, after its parameters change in place (also a single weight
 * in any part's share of the check), under seqzoo's softmax layer and in seq2seq graphs — and is used only where it
 * applies (no mask, inference, more than one step).
 */
class OneDnnRecurrentInferenceTest {

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restore() {
        for (OneDnnCell cell : OneDnnCell.values()) {
            System.clearProperty(cell.property());
        }
        KernelThreads.set(threadsBefore);
    }

    @ParameterizedTest(name = "{0}: batch={1}, steps={2}, initial state={3}, input={4}, threads={5}")
    @CsvSource({"LSTM,5,7,false,c,1", "LSTM,5,7,true,c,2", "LSTM,19,4,true,f,2", "LSTM,27,3,true,c,3",
            "LSTM,1,2,false,f,2", "LSTM,18,5,false,nwc,2", "LSTM,17,4,true,sub-batch,2",
            "LSTM,24,3,false,sub-batch,3", "GRU_RESET_AFTER,5,7,false,c,1", "GRU_RESET_AFTER,5,7,true,c,2",
            "GRU_RESET_AFTER,19,4,true,f,2", "GRU_RESET_AFTER,27,3,true,c,3", "GRU_RESET_AFTER,1,2,false,f,2",
            "GRU_RESET_AFTER,18,5,false,nwc,2", "GRU_RESET_AFTER,17,4,true,sub-batch,2",
            "GRU_RESET_AFTER,24,3,false,sub-batch,3", "GRU_RESET_BEFORE,5,7,false,c,1",
            "GRU_RESET_BEFORE,19,4,true,f,2", "GRU_RESET_BEFORE,27,3,true,c,3", "GRU_RESET_BEFORE,18,5,false,nwc,2",
            "GRU_RESET_BEFORE,17,4,true,sub-batch,2"})
    void matchesTheKernelLoops(OneDnnCell cell, int batch, int steps, boolean withInitialState, String layout,
                               int threads) {
        KernelThreads.set(threads);                      // batch 19 in two parts of 9 and 10, 27 in three of 9
        Nd4j.getRandom().setSeed(21);
        int in = 3;
        int hidden = 6;
        GateWeights weights = floatWeights(cell, in, hidden);
        INDArray x = input(layout, batch, in, steps);
        RecurrentState initial = withInitialState ? state(cell, DataType.FLOAT, batch, hidden) : null;
        RecurrentKernel kernel = kernel(cell);
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

        RecurrentKernel.Pass fused = kernel.forward(weights, x, initial, null, null, false, false, workspaces);
        assertInstanceOf(OneDnnRecurrentInference.Pass.class, fused, "oneDNN's primitive should run here");
        System.setProperty(cell.property(), "false");
        RecurrentKernel.Pass loops = kernel.forward(weights, x, initial, null, null, false, false, workspaces);
        Class<?> loopsPass = cell == OneDnnCell.LSTM ? LSTMKernel.ForwardPass.class : GRUKernel.ForwardPass.class;
        assertInstanceOf(loopsPass, loops);

        assertClose(loops.lastState().h(), fused.lastState().h(), "last h");
        if (cell.hasCellState()) {
            assertClose(loops.lastState().c(), fused.lastState().c(), "last c");
        }
        assertClose(loops.output(), fused.output(), "output");
    }

    private static RecurrentKernel kernel(OneDnnCell cell) {
        return testCell(cell).kernel();
    }

    /** The test helpers' cell for {@code cell}. */
    private static Cell testCell(OneDnnCell cell) {
        return switch (cell) {
            case LSTM -> Cell.LSTM;
            case GRU_RESET_AFTER -> Cell.GRU_RESET_AFTER;
            case GRU_RESET_BEFORE -> Cell.GRU_RESET_BEFORE;
        };
    }

    /** A random initial state: {@code h}, and an LSTM's {@code c}. */
    private static RecurrentState state(OneDnnCell cell, DataType type, int batch, int hidden) {
        return new RecurrentState(Nd4j.randn(type, batch, hidden),
                cell.hasCellState() ? Nd4j.randn(type, batch, hidden) : null);
    }

    /** An initial state of another type (float64 here, as a user may set one) is converted, not read as float32. */
    @ParameterizedTest
    @EnumSource(OneDnnCell.class)
    void convertsAnInitialStateOfAnotherType(OneDnnCell cell) {
        Nd4j.getRandom().setSeed(9);
        GateWeights weights = floatWeights(cell, 3, 6);
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, 3, 4);
        RecurrentState initial = state(cell, DataType.DOUBLE, 5, 6);
        RecurrentKernel kernel = kernel(cell);
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

        RecurrentKernel.Pass fused = kernel.forward(weights, x, initial, null, null, false, false, workspaces);
        assertInstanceOf(OneDnnRecurrentInference.Pass.class, fused);
        System.setProperty(cell.property(), "false");
        RecurrentKernel.Pass loops = kernel.forward(weights, x, initial, null, null, false, false, workspaces);
        assertClose(loops.lastState().h(), fused.lastState().h(), "last h");
        assertClose(loops.output(), fused.output(), "output");
    }

    /**
     * An input {@code [B, nIn, T]} laid out as {@code layout} says: C or {@code 'f'} order, a permuted view of a
     * C-order {@code [B, T, nIn]} array (an NWC input), or rows 2 … B+1 of a larger C-order batch (a view at an
     * offset): the parts' oneDNN reorders read each layout in place.
     */
    private static INDArray input(String layout, int batch, int in, int steps) {
        return switch (layout) {
            case "c", "f" -> Nd4j.randn(DataType.FLOAT, batch, in, steps).dup(layout.charAt(0));
            case "nwc" -> Nd4j.randn(DataType.FLOAT, batch, steps, in).permute(0, 2, 1);
            case "sub-batch" -> Nd4j.randn(DataType.FLOAT, batch + 3, in, steps)
                    .get(NDArrayIndex.interval(2, batch + 2), NDArrayIndex.all(), NDArrayIndex.all());
            default -> throw new IllegalArgumentException(layout);
        };
    }

    /**
     * The check for changed parameters is shared out between the parts: a single changed weight (first of
     * {@code W}, one in the middle of {@code U}, last of {@code b} or of a GRU's {@code rb}) is followed whichever
     * part's share holds it.
     */
    @ParameterizedTest(name = "{0}: {1} changed, {2} parts")
    @CsvSource({"LSTM,w,2", "LSTM,rw,2", "LSTM,b,2", "LSTM,w,3", "LSTM,rw,3", "LSTM,b,3", "GRU_RESET_AFTER,w,2",
            "GRU_RESET_AFTER,rw,3", "GRU_RESET_AFTER,b,2", "GRU_RESET_AFTER,rb,2", "GRU_RESET_AFTER,rb,3",
            "GRU_RESET_BEFORE,w,2", "GRU_RESET_BEFORE,rw,3", "GRU_RESET_BEFORE,b,3"})
    void followsOneChangedWeightInAnyPart(OneDnnCell cell, String parameter, int threads) {
        KernelThreads.set(threads);
        Nd4j.getRandom().setSeed(6);
        GateWeights weights = floatWeights(cell, 4, 5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8 * threads, 4, 5);
        RecurrentKernel kernel = kernel(cell);
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        INDArray before = kernel.forward(weights, x, null, null, null, false, false, workspaces).output().dup();

        INDArray changed = switch (parameter) {
            case "w" -> weights.w();
            case "rw" -> weights.rw();
            case "rb" -> weights.rb();
            default -> weights.b();
        };
        INDArray memoryOrder = changed.reshape(changed.ordering(), new long[] {changed.length()});
        long element = switch (parameter) {
            case "w" -> 0;
            case "rw" -> changed.length() / 2;
            default -> changed.length() - 1;
        };
        memoryOrder.putScalar(element, memoryOrder.getFloat(element) + 1.5f);
        INDArray after = kernel.forward(weights, x, null, null, null, false, false, workspaces).output();
        assertClose(loops(cell, weights, x), after, "after the change");
        assertTrue(before.sub(after).amaxNumber().doubleValue() > 1e-4, "the change changes the outputs");
    }

    /**
     * The converted weights are kept between passes ({@link OneDnnRecurrentWeights}) and must follow the parameters
     * when they change in place, as training updates them; a second parameter set at other addresses gets its own.
     */
    @ParameterizedTest
    @EnumSource(OneDnnCell.class)
    void followsWeightsChangedInPlace(OneDnnCell cell) {
        Nd4j.getRandom().setSeed(5);
        GateWeights weights = floatWeights(cell, 4, 5);
        GateWeights others = new GateWeights(weights.w().mul(0.5).dup('f'), weights.rw().mul(-1).dup('f'),
                weights.b().add(0.3), weights.rb() == null ? null : weights.rb().add(0.2));
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 4, 6);
        RecurrentKernel kernel = kernel(cell);
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

        INDArray before = kernel.forward(weights, x, null, null, null, false, false, workspaces).output().dup();
        assertClose(loops(cell, others, x), kernel.forward(others, x, null, null, null, false, false, workspaces)
                .output(), "second parameter set");
        weights.rw().getColumn(7).addi(0.25);                              // one recurrent weight column per step
        weights.w().muli(1.1);
        weights.b().subi(0.05);
        INDArray after = kernel.forward(weights, x, null, null, null, false, false, workspaces).output();
        assertClose(loops(cell, weights, x), after, "after the update");
        assertTrue(before.sub(after).amaxNumber().doubleValue() > 1e-3, "the update changes the outputs");
    }

    /** A network's output through the oneDNN pass and seqzoo's softmax layer equals the one through the loops. */
    @ParameterizedTest
    @EnumSource(OneDnnCell.class)
    void networkOutputMatchesTheLoops(OneDnnCell cell) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).list()
                .layer(cell == OneDnnCell.LSTM ? new LSTM.Builder().nIn(4).nOut(7).build()
                        : new GRU.Builder().nIn(4).nOut(7).resetAfter(cell == OneDnnCell.GRU_RESET_AFTER).build())
                .layer(new SoftmaxOutputLayer.Builder().nIn(7).nOut(5).build())
                .build());
        net.init();
        INDArray x = Nd4j.randn(DataType.FLOAT, 6, 4, 9);
        INDArray fused = net.output(x);
        System.setProperty(cell.property(), "false");
        assertClose(net.output(x), fused, "probabilities");
    }

    /**
     * Seq2seq graphs with LSTM or GRU encoders (and decoders) read the oneDNN pass's {@code [T, B, H]} outputs
     * wherever they go — attention, a second encoder layer, a bidirectional encoder, the bridge's initial state —
     * and give what the loops give, on an unmasked batch (where the pass applies).
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"LSTM,BAHDANAU,false,1,INITIAL_STATE", "LSTM,LUONG_GENERAL,true,2,INITIAL_STATE",
            "LSTM,NONE,false,2,INITIAL_STATE", "LSTM,NONE,true,1,CONTEXT_EVERY_STEP",
            "GRU_RESET_AFTER,BAHDANAU,true,1,INITIAL_STATE", "GRU_RESET_AFTER,LUONG_DOT,false,2,INITIAL_STATE",
            "GRU_RESET_AFTER,NONE,true,1,CONTEXT_EVERY_STEP", "GRU_RESET_BEFORE,LUONG_GENERAL,true,2,INITIAL_STATE"})
    void seq2seqGraphsMatchTheLoops(OneDnnCell cell, Seq2SeqSpec.Attention attention, boolean bidirectional,
                                    int layers, Seq2SeqSpec.Bridge bridge) {
        Seq2SeqSpec spec = Seq2SeqSpec.builder().vocabularies(ReverseTask.VOCABULARY, ReverseTask.VOCABULARY)
                .embeddingSize(6).hiddenSize(10).attentionSize(7).seed(3)
                .cell(switch (cell) {
                    case LSTM -> Seq2SeqSpec.Cell.LSTM;
                    case GRU_RESET_AFTER -> Seq2SeqSpec.Cell.GRU;
                    case GRU_RESET_BEFORE -> Seq2SeqSpec.Cell.GRU_RESET_BEFORE;
                })
                .attention(attention).bidirectionalEncoder(bidirectional).layers(layers, layers).bridge(bridge).build();
        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
        MultiDataSet batch = ReverseTask.batch(new int[][] {{4, 5, 6, 7}, {9, 10, 11, 4}, {8, 8, 5, 6}});
        INDArray fused = graph.output(false, batch.getFeatures(), null, null)[0].dup();
        System.setProperty(cell.property(), "false");
        assertClose(graph.output(false, batch.getFeatures(), null, null)[0], fused, "probabilities");
    }

    private static INDArray loops(OneDnnCell cell, GateWeights weights, INDArray x) {
        System.setProperty(cell.property(), "false");
        try {
            return kernel(cell).forward(weights, x, null, null, null, false, false, LayerWorkspaceMgr.noWorkspaces())
                    .output();
        } finally {
            System.clearProperty(cell.property());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"LSTM,mask", "LSTM,backprop", "LSTM,one step", "LSTM,double", "GRU_RESET_AFTER,mask",
            "GRU_RESET_AFTER,one step", "GRU_RESET_AFTER,double", "GRU_RESET_BEFORE,mask"})
    void otherPassesKeepTheKernelLoops(OneDnnCell cell, String why) {
        INDArray x = Nd4j.rand(why.equals("double") ? DataType.DOUBLE : DataType.FLOAT, 4, 3,
                why.equals("one step") ? 1 : 5);
        INDArray mask = why.equals("mask") ? Nd4j.ones(DataType.FLOAT, 4, 5) : null;
        assertFalse(OneDnnRecurrentInference.applies(cell, x, mask, null, why.equals("backprop"),
                ScalarActivation.SIGMOID, ScalarActivation.TANH));
        assertFalse(OneDnnRecurrentInference.applies(cell, Nd4j.rand(DataType.FLOAT, 4, 3, 5), null, null, false,
                ScalarActivation.HARD_SIGMOID, ScalarActivation.TANH), "other gate activation");
        assertTrue(OneDnnRecurrentInference.applies(cell, Nd4j.rand(DataType.FLOAT, 4, 3, 5), null, null, false,
                ScalarActivation.SIGMOID, ScalarActivation.TANH));
    }

    /** Weights of {@code cell} drawn at random, as float32 parameters in seqzoo's layout. */
    private static GateWeights floatWeights(OneDnnCell cell, int in, int hidden) {
        GateWeights drawn = testCell(cell).randomWeights(in, hidden, 0.6);
        return new GateWeights(drawn.w().castTo(DataType.FLOAT).dup('f'), drawn.rw().castTo(DataType.FLOAT).dup('f'),
                drawn.b().castTo(DataType.FLOAT), drawn.rb() == null ? null : drawn.rb().castTo(DataType.FLOAT));
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double worst = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber()
                .doubleValue();
        assertTrue(worst < 2e-6, what + " max abs difference " + worst);
    }
}
