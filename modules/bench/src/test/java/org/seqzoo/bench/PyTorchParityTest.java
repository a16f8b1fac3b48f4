package org.seqzoo.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.imports.TorchRnnGradients;
import org.seqzoo.models.imports.TorchRnnImport;
import org.seqzoo.models.imports.TorchRnnWeights;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.GRUKernel;
import org.seqzoo.models.rnn.LSTM;
import org.seqzoo.models.rnn.GateWeights;
import org.seqzoo.models.rnn.LSTMKernel;
import org.seqzoo.models.rnn.RecurrentKernel;
import org.seqzoo.models.rnn.RecurrentState;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * seqzoo's GRU (reset-after, PyTorch's only form) and LSTM against PyTorch's {@code torch.gru} /
 * {@code torch.lstm} through DJL autograd, on random weights, inputs and loss weights: outputs, final states,
 * and the gradients of {@code L = Σ R ⊙ y + Σ S ⊙ h_T (+ Σ S' ⊙ c_T)} with respect to the input, the initial
 * state and every PyTorch parameter (seqzoo's mapped back with {@link TorchRnnGradients}). With and without an
 * initial state, and with variable lengths: seqzoo runs the padded, masked batch, PyTorch each sequence at its
 * own length (DJL's recurrent ops take no lengths). float32 on both sides.
 */
class PyTorchParityTest {

    private static final int STEPS = 5;
    private static final int INPUT = 4;
    private static final int HIDDEN = 6;
    private static final double TOLERANCE = 1e-4;

    private final int threadsBefore = KernelThreads.get();

    @BeforeAll
    static void offline() {
        TorchEngine.require();
    }

    @AfterEach
    void restoreThreads() {
        KernelThreads.set(threadsBefore);
    }

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int gates : new int[] {3, 4}) {
            for (boolean initialState : new boolean[] {false, true}) {
                for (boolean variableLengths : new boolean[] {false, true}) {
                    // 3 sequences run as one part; 20 as two parts on two threads (KernelThreads).
                    for (int batch : new int[] {3, 20}) {
                        cases.add(Arguments.of(gates, initialState, variableLengths, batch));
                    }
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "gates={0} initialState={1} variableLengths={2} batch={3}")
    @MethodSource("cases")
    void outputsStatesAndGradientsMatchPyTorch(int gates, boolean withInitialState, boolean variableLengths,
                                               int batch) {
        KernelThreads.set(2);
        Random random = new Random(31L * gates + (withInitialState ? 7 : 0) + (variableLengths ? 3 : 0));
        boolean lstm = gates == 4;
        float[] weightIh = uniform(random, gates * HIDDEN * INPUT);
        float[] weightHh = uniform(random, gates * HIDDEN * HIDDEN);
        float[] biasIh = uniform(random, gates * HIDDEN);
        float[] biasHh = uniform(random, gates * HIDDEN);
        float[] x = uniform(random, batch * STEPS * INPUT);           // [B, T, nIn]
        float[] h0 = withInitialState ? uniform(random, batch * HIDDEN) : new float[batch * HIDDEN];
        float[] c0 = withInitialState ? uniform(random, batch * HIDDEN) : new float[batch * HIDDEN];
        float[] outWeights = uniform(random, batch * STEPS * HIDDEN); // R [B, T, H]
        float[] hWeights = uniform(random, batch * HIDDEN);           // S [B, H]
        float[] cWeights = uniform(random, batch * HIDDEN);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = variableLengths ? 1 + (b * 3 + STEPS - 1) % STEPS : STEPS;   // STEPS, 3, 1, 4, 2, ...
        }

        Torch torch = torch(batch, lstm, weightIh, weightHh, biasIh, biasHh, x, h0, c0, outWeights, hWeights, cWeights,
                lengths);

        TorchRnnWeights torchWeights = new TorchRnnWeights(gates, Nd4j.create(weightIh, new long[] {gates * HIDDEN, INPUT}),
                Nd4j.create(weightHh, new long[] {gates * HIDDEN, HIDDEN}), Nd4j.create(biasIh), Nd4j.create(biasHh));
        GateWeights weights = imported(torchWeights);
        GateWeights gradients = new GateWeights(zerosLike(weights.w()), zerosLike(weights.rw()),
                zerosLike(weights.b()), weights.rb() == null ? null : zerosLike(weights.rb()));
        RecurrentKernel kernel = lstm ? new LSTMKernel(new ActivationSigmoid(), new ActivationTanH())
                : new GRUKernel(true, new ActivationSigmoid(), new ActivationTanH());
        INDArray input = Nd4j.create(x, new long[] {batch, STEPS, INPUT}).permute(0, 2, 1);   // NCW
        INDArray mask = Nd4j.zeros(DataType.FLOAT, batch, STEPS);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                mask.putScalar(b, t, 1.0);
            }
        }
        RecurrentState initial = withInitialState ? new RecurrentState(Nd4j.create(h0, new long[] {batch, HIDDEN}),
                lstm ? Nd4j.create(c0, new long[] {batch, HIDDEN}) : null) : null;
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        RecurrentKernel.Pass pass = kernel.forward(weights, input, initial, variableLengths ? mask : null, null, true,
                true, noWorkspaces);

        float[] output = flat(pass.output().permute(0, 2, 1));              // [B, T, H]
        for (int b = 0; b < batch; b++) {
            for (int t = lengths[b]; t < STEPS; t++) {
                for (int k = 0; k < HIDDEN; k++) {
                    assertEquals(0f, output[(b * STEPS + t) * HIDDEN + k], 0f, "padded output must be 0");
                }
            }
        }
        assertClose("output", torch.output, output);
        assertClose("h_T", torch.lastH, flat(pass.lastState().h()));
        if (lstm) {
            assertClose("c_T", torch.lastC, flat(pass.lastState().c()));
        }

        INDArray epsilon = Nd4j.create(outWeights, new long[] {batch, STEPS, HIDDEN}).permute(0, 2, 1);
        RecurrentState lastStateGradient = new RecurrentState(Nd4j.create(hWeights, new long[] {batch, HIDDEN}),
                lstm ? Nd4j.create(cWeights, new long[] {batch, HIDDEN}) : null);
        RecurrentKernel.InputGradients inputGradients = kernel.backward(weights, gradients, pass, epsilon,
                lastStateGradient, -1, noWorkspaces);
        float[] dx = flat(inputGradients.input().permute(0, 2, 1));
        for (int b = 0; b < batch; b++) {
            for (int t = lengths[b]; t < STEPS; t++) {
                for (int i = 0; i < INPUT; i++) {
                    dx[(b * STEPS + t) * INPUT + i] = 0f;   // PyTorch never saw the padding
                }
            }
        }
        assertClose("dL/dx", torch.dx, dx);
        if (withInitialState) {
            assertClose("dL/dh0", torch.dh0, flat(inputGradients.initialState().h()));
            if (lstm) {
                assertClose("dL/dc0", torch.dc0, flat(inputGradients.initialState().c()));
            }
        }
        TorchRnnWeights mapped = lstm ? TorchRnnGradients.ofLstm(gradients) : TorchRnnGradients.ofGru(true, gradients);
        assertClose("dL/dweight_ih", torch.dWeightIh, flat(mapped.weightIh()));
        assertClose("dL/dweight_hh", torch.dWeightHh, flat(mapped.weightHh()));
        assertClose("dL/dbias_ih", torch.dBiasIh, flat(mapped.biasIh()));
        assertClose("dL/dbias_hh", torch.dBiasHh, flat(mapped.biasHh()));
    }

    /** What PyTorch computed: outputs [B, T, H] (0 past each length), final states, and gradients. */
    private record Torch(float[] output, float[] lastH, float[] lastC, float[] dx, float[] dh0, float[] dc0,
                         float[] dWeightIh, float[] dWeightHh, float[] dBiasIh, float[] dBiasHh) {
    }

    private static Torch torch(int batch, boolean lstm, float[] weightIh, float[] weightHh, float[] biasIh,
                               float[] biasHh,
                               float[] x, float[] h0, float[] c0, float[] outWeights, float[] hWeights,
                               float[] cWeights, int[] lengths) {
        int gates = lstm ? 4 : 3;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray wIh = manager.create(weightIh, new Shape(gates * HIDDEN, INPUT));
            NDArray wHh = manager.create(weightHh, new Shape(gates * HIDDEN, HIDDEN));
            NDArray bIh = manager.create(biasIh);
            NDArray bHh = manager.create(biasHh);
            NDArray input = manager.create(x, new Shape(batch, STEPS, INPUT));
            NDArray hInit = manager.create(h0, new Shape(batch, HIDDEN));
            NDArray cInit = manager.create(c0, new Shape(batch, HIDDEN));
            NDList trainable = new NDList(wIh, wHh, bIh, bHh, input, hInit, cInit);
            trainable.forEach(a -> a.setRequiresGradient(true));
            NDArray r = manager.create(outWeights, new Shape(batch, STEPS, HIDDEN));
            NDArray s = manager.create(hWeights, new Shape(batch, HIDDEN));
            NDArray sc = manager.create(cWeights, new Shape(batch, HIDDEN));

            float[] output = new float[batch * STEPS * HIDDEN];
            float[] lastH = new float[batch * HIDDEN];
            float[] lastC = new float[batch * HIDDEN];
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = null;
                NDList params = new NDList(wIh, wHh, bIh, bHh);
                for (int b = 0; b < batch; b++) {   // one sequence at a time, at its own length
                    int len = lengths[b];
                    NDArray xb = input.get(b + ":" + (b + 1) + ", 0:" + len);
                    NDArray hb = hInit.get(b + ":" + (b + 1)).expandDims(0);          // [1, 1, H]
                    NDList out = lstm
                            ? xb.getNDArrayInternal().lstm(xb, new NDList(hb, cInit.get(b + ":" + (b + 1)).expandDims(0)),
                                    params, true, 1, 0.0, true, false, true)
                            : xb.getNDArrayInternal().gru(xb, hb, params, true, 1, 0.0, true, false, true);
                    NDArray y = out.get(0);                                          // [1, len, H]
                    NDArray hT = out.get(1).reshape(1, HIDDEN);
                    NDArray term = y.mul(r.get(b + ":" + (b + 1) + ", 0:" + len)).sum()
                            .add(hT.mul(s.get(b + ":" + (b + 1))).sum());
                    float[] yb = y.toFloatArray();
                    System.arraycopy(yb, 0, output, b * STEPS * HIDDEN, yb.length);
                    System.arraycopy(hT.toFloatArray(), 0, lastH, b * HIDDEN, HIDDEN);
                    if (lstm) {
                        NDArray cT = out.get(2).reshape(1, HIDDEN);
                        term = term.add(cT.mul(sc.get(b + ":" + (b + 1))).sum());
                        System.arraycopy(cT.toFloatArray(), 0, lastC, b * HIDDEN, HIDDEN);
                    }
                    loss = loss == null ? term : loss.add(term);
                }
                collector.backward(loss);
            }
            return new Torch(output, lastH, lastC, input.getGradient().toFloatArray(),
                    hInit.getGradient().toFloatArray(), cInit.getGradient().toFloatArray(),
                    wIh.getGradient().toFloatArray(), wHh.getGradient().toFloatArray(),
                    bIh.getGradient().toFloatArray(), bHh.getGradient().toFloatArray());
        }
    }

    /** The weights as {@link TorchRnnImport} loads them into a seqzoo layer (so the import is checked too). */
    private static GateWeights imported(TorchRnnWeights torchWeights) {
        boolean lstm = torchWeights.gates() == 4;
        Layer layer = lstm ? new LSTM.Builder().nIn(INPUT).nOut(HIDDEN).build()
                : new GRU.Builder().nIn(INPUT).nOut(HIDDEN).build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list().layer(layer).build());
        net.init();
        if (lstm) {
            TorchRnnImport.intoLstm(net.getLayer(0), torchWeights);
        } else {
            TorchRnnImport.intoGru(net.getLayer(0), torchWeights);
        }
        return GateWeights.of(net.getLayer(0).paramTable());
    }

    /** Elements in C order. */
    private static float[] flat(INDArray array) {
        return array.dup('c').reshape(array.length()).toFloatVector();
    }

    private static INDArray zerosLike(INDArray array) {
        return Nd4j.create(array.dataType(), array.shape(), 'f');
    }

    private static float[] uniform(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        assertArrayEquals(expected, actual, (float) TOLERANCE, what);
    }
}
