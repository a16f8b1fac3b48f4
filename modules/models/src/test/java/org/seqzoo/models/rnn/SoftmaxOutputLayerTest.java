package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.testing.DoublePrecision;

/**
 * seqzoo's {@link SoftmaxOutputLayer} against DL4J's {@code RnnOutputLayer} with softmax and (sparse) MCXENT —
 * outputs, score, per-example scores, parameter and input gradients — on top of seqzoo's GRU (input used in place)
 * and DL4J's SimpleRnn (input copied), with one-hot, soft and sparse labels, masks, NCW and NWC, float and double;
 * plus DL4J gradient checks, token-major inputs, the split over threads, serialisation and the errors for bad
 * labels.
 */
@ExtendWith(DoublePrecision.class)
class SoftmaxOutputLayerTest {

    private static final int BATCH = 4;
    private static final int IN = 3;
    private static final int HIDDEN = 5;
    private static final int CLASSES = 6;
    private static final int STEPS = 5;
    private static final int[] LENGTHS = {5, 3, 1, 4};

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restoreThreads() {
        KernelThreads.set(threadsBefore);
    }

    enum Labels { ONE_HOT, SOFT, SPARSE }

    enum Below { SEQZOO_GRU, DL4J_SIMPLE_RNN }

    @ParameterizedTest(name = "{0}, {1}, masked={2}, {3}, {4}")
    @CsvSource({"SEQZOO_GRU,ONE_HOT,false,NCW,DOUBLE", "SEQZOO_GRU,ONE_HOT,true,NCW,DOUBLE",
            "SEQZOO_GRU,SPARSE,true,NCW,DOUBLE", "SEQZOO_GRU,SOFT,true,NCW,DOUBLE", "SEQZOO_GRU,SPARSE,true,NWC,DOUBLE",
            "SEQZOO_GRU,ONE_HOT,true,NWC,DOUBLE", "DL4J_SIMPLE_RNN,ONE_HOT,true,NCW,DOUBLE",
            "DL4J_SIMPLE_RNN,SPARSE,false,NWC,DOUBLE", "SEQZOO_GRU,ONE_HOT,true,NCW,FLOAT",
            "SEQZOO_GRU,SPARSE,true,NCW,FLOAT"})
    void matchesDl4jRnnOutputLayer(Below below, Labels labelKind, boolean masked, RNNFormat format, DataType type) {
        double tolerance = type == DataType.DOUBLE ? 1e-10 : 2e-5;
        MultiLayerNetwork seqzoo = network(below, true, labelKind, format, type);
        MultiLayerNetwork dl4j = network(below, false, labelKind, format, type);
        dl4j.setParams(seqzoo.params());
        INDArray x = toFormat(Nd4j.randn(type, BATCH, IN, STEPS).muli(1.5), format);
        INDArray y = toFormat(labels(labelKind, type), format);
        INDArray mask = masked ? mask(type) : null;

        assertClose(dl4j.output(x, false, mask, mask), seqzoo.output(x, false, mask, mask), tolerance, "output");
        DataSet data = new DataSet(x, y, mask, mask);
        assertEquals(dl4j.score(data), seqzoo.score(data), tolerance * 10, "score");
        assertClose(dl4j.scoreExamples(data, false), seqzoo.scoreExamples(data, false), tolerance * 10,
                "per-example scores");

        Pair<Gradient, INDArray> expected = dl4j.calculateGradients(x, y, mask, mask);
        Pair<Gradient, INDArray> actual = seqzoo.calculateGradients(x, y, mask, mask);
        assertClose(expected.getSecond(), actual.getSecond(), tolerance, "input gradient");
        for (Map.Entry<String, INDArray> e : expected.getFirst().gradientForVariable().entrySet()) {
            assertClose(e.getValue(), actual.getFirst().getGradientFor(e.getKey()), tolerance, e.getKey());
        }
        assertEquals(dl4j.score(), seqzoo.score(), tolerance * 10, "score of the gradient pass");
    }

    @ParameterizedTest(name = "{0}, masked={1}, {2}")
    @CsvSource({"ONE_HOT,false,NCW", "ONE_HOT,true,NCW", "SPARSE,true,NCW", "SOFT,true,NCW", "SPARSE,true,NWC"})
    void gradientCheck(Labels labelKind, boolean masked, RNNFormat format) {
        MultiLayerNetwork net = network(Below.SEQZOO_GRU, true, labelKind, format, DataType.DOUBLE);
        INDArray mask = masked ? mask(DataType.DOUBLE) : null;
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(toFormat(Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS), format))
                .labels(toFormat(labels(labelKind, DataType.DOUBLE), format)).inputMask(mask).labelMask(mask)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        assertTrue(ok, "gradient check failed");
    }

    @Test
    void gradientCheckInComputationGraph() {
        Nd4j.getRandom().setSeed(3);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(new NormalDistribution(0, 0.5)).graphBuilder()
                .addInputs("in")
                .addLayer("rnn", new GRU.Builder().nOut(HIDDEN).build(), "in")
                .addLayer("out", new SoftmaxOutputLayer.Builder().sparseLabels(true).nOut(CLASSES).build(), "rnn")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(IN))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray[] masks = {mask(DataType.DOUBLE)};
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph)
                .inputs(new INDArray[] {Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS)})
                .labels(new INDArray[] {labels(Labels.SPARSE, DataType.DOUBLE)}).inputMask(masks).labelMask(masks)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        assertTrue(ok, "gradient check failed");
    }

    /**
     * Dropout on the layer's input: its masks cannot be compared with RnnOutputLayer's (that layer draws them on a
     * 2-D reshape, so one seed gives other masks), so the gradient is checked against finite differences with the
     * random seed reset before every pass (the same mask each time), and shown to depend on the seed.
     */
    @Test
    void gradientCheckWithDropout() {
        MultiLayerNetwork net = network(Below.SEQZOO_GRU, true, Labels.SPARSE, RNNFormat.NCW, DataType.DOUBLE);
        net.getLayer(1).conf().getLayer().setIDropout(new Dropout(0.6));
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray y = labels(Labels.SPARSE, DataType.DOUBLE);
        INDArray mask = mask(DataType.DOUBLE);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .inputMask(mask).labelMask(mask).callEachIter(n -> Nd4j.getRandom().setSeed(99))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        assertTrue(ok, "gradient check failed");

        Nd4j.getRandom().setSeed(99);
        INDArray first = net.calculateGradients(x, y, mask, mask).getSecond().dup();
        Nd4j.getRandom().setSeed(100);
        INDArray second = net.calculateGradients(x, y, mask, mask).getSecond();
        assertTrue(first.sub(second).amaxNumber().doubleValue() > 1e-3, "another seed, another dropout mask");
    }

    /**
     * An input stored token-major ({@code [T, B, F]} memory, as oneDNN's LSTM pass leaves it) is read in place
     * (the {@code tokenRows} products) and gives what the same values in a dense NCW array give.
     */
    @Test
    void tokenMajorInputGivesTheSameResults() {
        Nd4j.getRandom().setSeed(11);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.DOUBLE).updater(new NoOp()).weightInit(new NormalDistribution(0, 0.7)).list()
                .layer(new SoftmaxOutputLayer.Builder().nIn(HIDDEN).nOut(CLASSES).build())
                .build());
        net.init();
        INDArray tokenMajor = Nd4j.randn(DataType.DOUBLE, STEPS, BATCH, HIDDEN).permute(1, 2, 0);
        INDArray dense = tokenMajor.dup('c');
        INDArray y = labels(Labels.ONE_HOT, DataType.DOUBLE);
        INDArray mask = mask(DataType.DOUBLE);

        assertClose(net.output(dense, false, mask, mask), net.output(tokenMajor, false, mask, mask), 1e-12,
                "output");
        assertEquals(net.score(new DataSet(dense, y, mask, mask)), net.score(new DataSet(tokenMajor, y, mask, mask)),
                1e-12, "score");
        Pair<Gradient, INDArray> expected = net.calculateGradients(dense, y, mask, mask);
        Pair<Gradient, INDArray> actual = net.calculateGradients(tokenMajor, y, mask, mask);
        assertClose(expected.getSecond(), actual.getSecond(), 1e-12, "input gradient");
        for (Map.Entry<String, INDArray> e : expected.getFirst().gradientForVariable().entrySet()) {
            assertClose(e.getValue(), actual.getFirst().getGradientFor(e.getKey()), 1e-12, e.getKey());
        }
    }

    @Test
    void splitOverThreadsEqualsOnePart() {
        int batch = 16;
        int steps = 10;
        int features = 64;
        int classes = 600; // 2·160·600·64 FLOPs: above KernelThreads.MIN_FLOPS_TO_SPLIT
        KernelThreads.set(2);
        assertEquals(2, KernelThreads.partsForWork(batch * steps, 2.0 * batch * steps * classes * features));
        List<INDArray> split = gradientPass(batch, steps, features, classes);
        KernelThreads.set(1);
        List<INDArray> single = gradientPass(batch, steps, features, classes);
        for (int i = 0; i < single.size(); i++) {
            assertClose(single.get(i), split.get(i), 1e-12, "array " + i);
        }
    }

    /** Output, input gradient, every parameter gradient and the score of a net with only the output layer. */
    private static List<INDArray> gradientPass(int batch, int steps, int features, int classes) {
        Nd4j.getRandom().setSeed(5);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.DOUBLE).updater(new NoOp()).list()
                .layer(new SoftmaxOutputLayer.Builder().sparseLabels(true).nIn(features).nOut(classes).build())
                .build());
        net.init();
        INDArray x = Nd4j.randn(DataType.DOUBLE, batch, features, steps);
        INDArray y = Nd4j.rand(DataType.DOUBLE, batch, 1, steps).muli(classes).castTo(DataType.INT32)
                .castTo(DataType.DOUBLE);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, batch, steps);
        mask.get(NDArrayIndex.interval(0, batch / 2), NDArrayIndex.interval(steps / 2, steps)).assign(0);
        List<INDArray> results = new ArrayList<>();
        results.add(net.output(x, false, mask, mask));
        Pair<Gradient, INDArray> pair = net.calculateGradients(x, y, mask, mask);
        results.add(pair.getSecond());
        results.add(pair.getFirst().gradient().dup());
        results.add(Nd4j.scalar(net.score()));
        return results;
    }

    @Test
    void truncatedBpttTrainsLikeRnnOutputLayer() {
        MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
        for (int i = 0; i < 2; i++) {
            MultiLayerNetwork net = network(Below.SEQZOO_GRU, i == 0, Labels.ONE_HOT, RNNFormat.NCW, DataType.DOUBLE);
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
            conf.setBackpropType(org.deeplearning4j.nn.conf.BackpropType.TruncatedBPTT);
            conf.setTbpttFwdLength(2);
            conf.setTbpttBackLength(2);
            for (NeuralNetConfiguration layer : conf.getConfs()) {
                ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer.getLayer()).setIUpdater(new Adam(0.05));
            }
            nets[i] = new MultiLayerNetwork(conf);
            nets[i].init(net.params().dup(), true);
        }
        DataSet data = new DataSet(Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS), labels(Labels.ONE_HOT,
                DataType.DOUBLE), mask(DataType.DOUBLE), mask(DataType.DOUBLE));
        INDArray initial = nets[0].params().dup();
        for (int i = 0; i < 3; i++) {
            nets[0].fit(data);
            nets[1].fit(data);
        }
        assertClose(nets[1].params(), nets[0].params(), 1e-10, "parameters after 3 TBPTT fits (3 segments each)");
        assertEquals(nets[1].score(), nets[0].score(), 1e-10, "score of the last segment");
        assertTrue(initial.sub(nets[0].params()).amaxNumber().doubleValue() > 1e-2, "the fits trained");
    }

    @Test
    void scoreAfterAnUpdateIsRecomputed() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).updater(new Adam(0.1)).list()
                .layer(new SoftmaxOutputLayer.Builder().nIn(IN).nOut(CLASSES).build())
                .build());
        net.init();
        DataSet data = new DataSet(Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS),
                labels(Labels.ONE_HOT, DataType.DOUBLE));
        net.fit(data);
        double afterUpdate = net.score(data);
        MultiLayerNetwork fresh = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
        fresh.init(net.params().dup(), false);
        assertEquals(fresh.score(data), afterUpdate, 1e-12);
        assertTrue(afterUpdate < net.score() - 1e-3, "the update lowered the loss: " + net.score() + " -> "
                + afterUpdate);
    }

    @Test
    void serialisesAsJsonAndWithModelSerializer() throws Exception {
        MultiLayerNetwork net = network(Below.SEQZOO_GRU, true, Labels.SPARSE, RNNFormat.NWC, DataType.DOUBLE);
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, parsed);
        SoftmaxOutputLayer layer = (SoftmaxOutputLayer) parsed.getConf(1).getLayer();
        assertTrue(layer.sparseLabels());
        assertEquals(RNNFormat.NWC, layer.getRnnDataFormat());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(bytes.toByteArray()), true);
        INDArray x = toFormat(Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS), RNNFormat.NWC);
        assertClose(net.output(x), restored.output(x), 0.0, "restored output");
    }

    @Test
    void builderRefusesOtherActivationsAndLosses() {
        IllegalArgumentException activation = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxOutputLayer.Builder().activation(Activation.TANH).nOut(3).build());
        assertTrue(activation.getMessage().contains("softmax"), activation.getMessage());
        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxOutputLayer.Builder().lossFunction(LossFunctions.LossFunction.MSE).nOut(3).build());
        assertTrue(loss.getMessage().contains("cross-entropy"), loss.getMessage());
    }

    @Test
    void badLabelsAreNamed() {
        MultiLayerNetwork sparse = network(Below.SEQZOO_GRU, true, Labels.SPARSE, RNNFormat.NCW, DataType.DOUBLE);
        INDArray x = Nd4j.randn(DataType.DOUBLE, BATCH, IN, STEPS);
        INDArray y = labels(Labels.SPARSE, DataType.DOUBLE);
        y.putScalar(2, 0, 0, CLASSES); // sequence 2, step 0: real (mask 1)
        IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
                () -> sparse.calculateGradients(x, y, null, mask(DataType.DOUBLE)));
        assertTrue(outOfRange.getMessage().contains("sequence 2 at step 0"), outOfRange.getMessage());

        y.putScalar(2, 0, 0, 0);
        y.putScalar(2, 0, 3, CLASSES + 7); // sequence 2 has 1 real step: step 3 is padding, never read
        sparse.calculateGradients(x, y, null, mask(DataType.DOUBLE));

        MultiLayerNetwork oneHot = network(Below.SEQZOO_GRU, true, Labels.ONE_HOT, RNNFormat.NCW, DataType.DOUBLE);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> oneHot.calculateGradients(x, Nd4j.zeros(DataType.DOUBLE, BATCH, CLASSES + 1, STEPS), null,
                        null));
        assertTrue(shape.getMessage().contains("labels must be [minibatch=4, nOut=6, time=5]"), shape.getMessage());
    }

    @Test
    void fastExponentialIsAccurate() {
        double worst = 0;
        for (double x = -87; x <= 0; x += 1e-3) {
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(SoftmaxCrossEntropy.expOfNonPositive(x) - exact) / exact);
        }
        assertTrue(worst < 1e-10, "max relative error " + worst);
        assertTrue(SoftmaxCrossEntropy.expOfNonPositive(-1000) < 2e-38);
    }

    private static MultiLayerNetwork network(Below below, boolean seqzoo, Labels labelKind, RNNFormat format,
                                             DataType type) {
        Nd4j.getRandom().setSeed(7);
        boolean sparse = labelKind == Labels.SPARSE;
        BaseOutputLayer output = seqzoo
                ? new SoftmaxOutputLayer.Builder().sparseLabels(sparse).nIn(HIDDEN).nOut(CLASSES).dataFormat(format)
                .build()
                : new RnnOutputLayer.Builder(sparse ? LossFunctions.LossFunction.SPARSE_MCXENT
                : LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(HIDDEN).nOut(CLASSES)
                .dataFormat(format).build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(type)
                .updater(new NoOp()).weightInit(new NormalDistribution(0, 0.7)).list()
                .layer(below == Below.SEQZOO_GRU ? new GRU.Builder().nIn(IN).nOut(HIDDEN).dataFormat(format).build()
                        : new SimpleRnn.Builder().nIn(IN).nOut(HIDDEN).activation(Activation.TANH)
                        .dataFormat(format).build())
                .layer(output)
                .build());
        net.init();
        net.params().addi(Nd4j.randn(type, net.params().shape()).muli(0.1));
        return net;
    }

    private static INDArray labels(Labels kind, DataType type) {
        if (kind == Labels.SOFT) {
            INDArray weights = Nd4j.rand(type, BATCH, CLASSES, STEPS).addi(0.1);
            return weights.divi(weights.sum(true, 1));
        }
        INDArray labels = Nd4j.zeros(type, BATCH, kind == Labels.SPARSE ? 1 : CLASSES, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                int label = (b + 2 * t) % CLASSES;
                if (kind == Labels.SPARSE) {
                    labels.putScalar(b, 0, t, label);
                } else {
                    labels.putScalar(b, label, t, 1.0);
                }
            }
        }
        return labels;
    }

    private static INDArray mask(DataType type) {
        INDArray mask = Nd4j.zeros(type, BATCH, STEPS);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < LENGTHS[b]; t++) {
                mask.putScalar(b, t, 1.0);
            }
        }
        return mask;
    }

    private static INDArray toFormat(INDArray ncw, RNNFormat format) {
        return format == RNNFormat.NWC ? ncw.permute(0, 2, 1).dup() : ncw;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + " shape");
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        assertTrue(diff <= tolerance * scale, what + ": max |diff| = " + diff);
    }
}
