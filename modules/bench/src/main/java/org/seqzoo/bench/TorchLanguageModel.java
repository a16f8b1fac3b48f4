package org.seqzoo.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The benchmark language model in PyTorch through DJL: {@code torch.nn.LSTM} or {@code torch.nn.GRU}
 * (DJL's {@code LSTM} / {@code GRU} blocks call torch's own kernels), a linear layer and softmax
 * cross-entropy, trained with Adam. Inputs are batch-first {@code [B, T, nIn]}; the logits are reshaped
 * to {@code [B·T, V]} because DJL's loss does not accept {@code [B, T, V]}.
 *
 * <p>PyTorch's thread count is fixed when its engine starts: see {@link TorchEngine}.
 */
final class TorchLanguageModel implements BenchModel {

    /** The recurrent cell: torch's LSTM (4 gate blocks) or GRU (3, reset-after). */
    enum Cell { LSTM, GRU }

    private final Cell cell;
    private final Model model;
    private final Trainer trainer;
    private final NDManager data;
    private final NDList features;
    private final NDList labels;

    TorchLanguageModel(Cell cell, LanguageModelShape shape) {
        this.cell = cell;
        TorchEngine.require();
        Block recurrent = cell == Cell.LSTM
                ? LSTM.builder().setStateSize(shape.hidden()).setNumLayers(1).optBatchFirst(true).build()
                : GRU.builder().setStateSize(shape.hidden()).setNumLayers(1).optBatchFirst(true).build();
        SequentialBlock block = new SequentialBlock()
                .add(recurrent)
                .add(Linear.builder().setUnits(shape.classes()).build())
                .addSingleton(logits -> logits.reshape(-1, shape.classes()));
        model = Model.newInstance("torch-" + cell.name().toLowerCase(java.util.Locale.ROOT), "PyTorch");
        model.setBlock(block);
        trainer = model.newTrainer(new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build()));
        Shape inputShape = new Shape(shape.batch(), shape.steps(), shape.input());
        trainer.initialize(inputShape);

        data = model.getNDManager().newSubManager();
        data.getEngine().setRandomSeed(7);
        NDArray x = data.randomUniform(-1f, 1f, inputShape, DataType.FLOAT32);
        float[] targets = new float[(int) shape.tokens()];
        for (int b = 0; b < shape.batch(); b++) {
            for (int t = 0; t < shape.steps(); t++) {
                targets[b * shape.steps() + t] = TokenPattern.label(b, t, shape.classes());
            }
        }
        features = new NDList(x);
        labels = new NDList(data.create(targets));
    }

    @Override
    public String name() {
        return "PyTorch " + cell.name();
    }

    @Override
    public int gateBlocks() {
        return cell == Cell.LSTM ? 4 : 3;
    }

    @Override
    public void trainStep() {
        try (NDManager step = data.newSubManager()) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(features);
                predictions.attach(step);
                NDArray loss = trainer.getLoss().evaluate(labels, predictions);
                loss.attach(step);
                collector.backward(loss);
            }
            trainer.step();
        }
    }

    /**
     * The forward pass up to the class probabilities: logits and their softmax, what seqzoo's and DL4J's
     * {@code output()} return (until 2026-11-29 this stopped at the logits, which favoured PyTorch by the softmax).
     */
    @Override
    public void infer() {
        try (NDManager step = data.newSubManager()) {
            NDList out = model.getBlock().forward(new ParameterStore(step, false), features, false);
            out.attach(step);
            out.singletonOrThrow().softmax(-1).attach(step);
        }
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
