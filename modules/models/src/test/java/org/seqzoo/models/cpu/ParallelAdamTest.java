package org.seqzoo.models.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * {@link ParallelAdam} against DL4J's {@link Adam}: the same updates and state over several iterations (float32
 * and double, with a learning-rate schedule), split over threads or not, inside a network's training, and through
 * JSON and ModelSerializer.
 */
class ParallelAdamTest {

    private final int threadsBefore = KernelThreads.get();

    @AfterEach
    void restoreThreads() {
        KernelThreads.set(threadsBefore);
    }

    @ParameterizedTest(name = "{0} parameters")
    @ValueSource(ints = {1, 7, 5000, 1_300_000})
    void updatesMatchDl4jAdam(int length) {
        KernelThreads.set(2);
        // ND4J computes α_t in float32, where 1 − β2^(t+1) keeps only ~3 digits for small t; seqzoo in double.
        compare(DataType.FLOAT, length, 1e-4);
        compare(DataType.DOUBLE, length, 1e-12);
    }

    @Test
    void splitEqualsOneThread() {
        int length = 1_300_000;
        assertEquals(2, KernelThreads.partsForWork(length / ParallelAdamUpdater.BLOCK + 1L, 10.0 * length),
                "this size is split");
        INDArray[] split = run(new ParallelAdam(new StepSchedule(ScheduleType.ITERATION, 0.01, 0.5, 2)),
                DataType.FLOAT, length);
        KernelThreads.set(1);
        INDArray[] single = run(new ParallelAdam(new StepSchedule(ScheduleType.ITERATION, 0.01, 0.5, 2)),
                DataType.FLOAT, length);
        for (int i = 0; i < split.length; i++) {
            assertEquals(single[i], split[i], "array " + i);
        }
    }

    private static void compare(DataType type, int length, double tolerance) {
        INDArray[] expected = run(new Adam(new StepSchedule(ScheduleType.ITERATION, 0.01, 0.5, 2)), type, length);
        INDArray[] actual = run(new ParallelAdam(new StepSchedule(ScheduleType.ITERATION, 0.01, 0.5, 2)), type,
                length);
        String[] names = {"update", "state [m | v]"};
        for (int i = 0; i < expected.length; i++) {
            double scale = expected[i].amaxNumber().doubleValue();
            double diff = expected[i].sub(actual[i]).amaxNumber().doubleValue();
            assertTrue(diff <= tolerance * scale, type + " " + names[i] + ": max |diff| " + diff + " of " + scale);
        }
    }

    /** The last update and the state after five iterations on random gradients. */
    private static INDArray[] run(IUpdater config, DataType type, int length) {
        Nd4j.getRandom().setSeed(42);
        INDArray state = Nd4j.zeros(type, 1, 2L * length);
        GradientUpdater updater = config.instantiate(state, true);
        INDArray gradient = null;
        for (int iteration = 0; iteration < 5; iteration++) {
            gradient = Nd4j.randn(type, 1, length).muli(iteration + 1);
            updater.applyUpdater(gradient, iteration, 0);
        }
        return new INDArray[] {gradient, state};
    }

    @Test
    void trainsANetworkLikeAdamAndSerialises() throws Exception {
        MultiLayerNetwork adam = network(new Adam(0.05));
        MultiLayerNetwork parallel = network(new ParallelAdam(0.05));
        Nd4j.getRandom().setSeed(3);
        DataSet data = new DataSet(Nd4j.randn(DataType.FLOAT, 16, 4), Nd4j.eye(4).repeat(0, 4).castTo(DataType.FLOAT));
        for (int i = 0; i < 10; i++) {
            adam.fit(data);
            parallel.fit(data);
        }
        double diff = adam.params().sub(parallel.params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "parameters differ by " + diff);

        MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(parallel.getLayerWiseConfigurations()
                .toJson());
        assertInstanceOf(ParallelAdam.class, parsed.getConf(0).getLayer().getUpdaterByParam("W"));
        assertEquals(parallel.getLayerWiseConfigurations(), parsed);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(parallel, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(parallel.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        restored.fit(data);
        parallel.fit(data);
        assertEquals(parallel.params(), restored.params());
    }

    @Test
    void equalsOnlyAnotherParallelAdam() {
        assertEquals(new ParallelAdam(0.1), new ParallelAdam(0.1));
        assertEquals(new ParallelAdam(0.1), new ParallelAdam(0.1).clone());
        assertInstanceOf(ParallelAdam.class, new ParallelAdam(0.1).clone());
        assertNotEquals(new Adam(0.1), new ParallelAdam(0.1));
        assertNotEquals(new ParallelAdam(0.1), new Adam(0.1));
        assertNotEquals(new ParallelAdam(0.1), new ParallelAdam(0.2));
    }

    private static MultiLayerNetwork network(IUpdater updater) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(9)
                .dataType(DataType.FLOAT).updater(updater).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(8).nOut(4).build())
                .build());
        net.init();
        return net;
    }
}
