package org.seqzoo.bench;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.seqzoo.models.cpu.ParallelAdam;
import org.seqzoo.models.rnn.SoftmaxOutputLayer;

/** The benchmark language model as a DL4J {@code MultiLayerNetwork}: a recurrent layer, then a softmax output layer. */
final class Dl4jLanguageModel implements BenchModel {

    private final String name;
    private final int gateBlocks;
    private final MultiLayerNetwork net;
    private final DataSet data;

    /**
     * @param recurrent     the recurrent layer ({@code nIn = shape.input()}, {@code nOut = shape.hidden()})
     * @param seqzooParts   seqzoo's {@link SoftmaxOutputLayer} on top, trained with {@link ParallelAdam}; else
     *                      DL4J's {@code RnnOutputLayer} and {@code Adam}
     */
    Dl4jLanguageModel(String name, int gateBlocks, Layer recurrent, boolean seqzooParts, LanguageModelShape shape) {
        this.name = name;
        this.gateBlocks = gateBlocks;
        Layer output = seqzooParts
                ? new SoftmaxOutputLayer.Builder().nIn(shape.hidden()).nOut(shape.classes()).build()
                : new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(shape.hidden()).nOut(shape.classes()).dataFormat(RNNFormat.NCW).build();
        this.net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).updater(seqzooParts ? new ParallelAdam(1e-3) : new Adam(1e-3)).list()
                .layer(recurrent)
                .layer(output)
                .build());
        net.init();
        this.data = batch(shape);
    }

    /** Random inputs in [-1, 1) and a fixed pattern of one-hot labels, NCW. */
    private static DataSet batch(LanguageModelShape shape) {
        Nd4j.getRandom().setSeed(7);
        INDArray features = Nd4j.rand(DataType.FLOAT, shape.batch(), shape.input(), shape.steps()).muli(2).subi(1);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, shape.batch(), shape.classes(), shape.steps());
        for (int b = 0; b < shape.batch(); b++) {
            for (int t = 0; t < shape.steps(); t++) {
                labels.putScalar(b, TokenPattern.label(b, t, shape.classes()), t, 1.0);
            }
        }
        return new DataSet(features, labels);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int gateBlocks() {
        return gateBlocks;
    }

    @Override
    public void trainStep() {
        net.fit(data);
    }

    /**
     * {@code output()}, its result released at once, as {@link TorchLanguageModel#infer} releases PyTorch's (the
     * glibc allocator then reuses the memory): a loop that leaves results to the garbage collector gets fresh,
     * untouched pages on every pass (~0.4 ms of ~10 for the LSTM at the default shapes, measured in one process).
     */
    @Override
    public void infer() {
        Released.release(net.output(data.getFeatures()));
    }
}
