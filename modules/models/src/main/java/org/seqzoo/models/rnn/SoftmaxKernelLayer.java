package org.seqzoo.models.rnn;

import java.util.Arrays;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.base.Preconditions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.Nd4jThreads;

/**
 * The runtime layer of {@link SoftmaxOutputLayer}: DL4J plumbing (workspaces, dropout, weight noise, NCW/NWC,
 * labels and masks, score bookkeeping) around {@link SoftmaxCrossEntropy}, which does the maths.
 *
 * <p>Inputs are read as a C-order {@code [F, T, B]} array (feature-major, column {@code t·B + b}): seqzoo's
 * recurrent layers output exactly that, so their outputs are used in place; other inputs are copied once.
 * A training step (backprop, then DL4J asks for the score) computes the loss along with the gradients and keeps
 * it for the score of the same input, labels and mask; a new input drops it.
 */
public class SoftmaxKernelLayer extends BaseOutputLayer<SoftmaxOutputLayer> {

    /** The per-token losses of the last backprop, with what they were computed for. */
    private transient LastLoss lastLoss;

    private record LastLoss(INDArray input, INDArray labels, INDArray mask, double[] perToken) {
    }

    public SoftmaxKernelLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        Nd4jThreads.applyDefaults();
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        super.setInput(input, workspaceMgr);
        lastLoss = null;
    }

    @Override
    public void clear() {
        super.clear();
        lastLoss = null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        Inputs x = inputs(ArrayType.FF_WORKING_MEM, workspaceMgr);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {x.steps(), x.batch(), layerConf().getNOut()}, 'c');
        kernel(x, tokenMask(x), training, workspaceMgr).probabilities(tokenRows(out));
        return fromNcw(out.permute(1, 2, 0));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        applyDropOutIfNecessary(true, workspaceMgr);
        Inputs x = inputs(ArrayType.BP_WORKING_MEM, workspaceMgr);
        INDArray dz = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                new long[] {x.steps() * x.batch(), layerConf().getNOut()}, 'c');
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {layerConf().getNIn(), x.steps(), x.batch()}, 'c');
        INDArray dW = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        INDArray db = hasBias() ? gradientViews.get(DefaultParamInitializer.BIAS_KEY) : null;
        double[] mask = tokenMask(x);
        double[] perToken = kernel(x, mask, true, workspaceMgr).lossAndGradients(
                targets(mask, ArrayType.BP_WORKING_MEM, workspaceMgr), dz, dW, db, featureColumns(dx));
        lastLoss = new LastLoss(input, labels, maskArray, perToken);
        weightNoiseParams.clear();

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, dW);
        if (db != null) {
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, db);
        }
        return new Pair<>(gradient, backpropDropOutIfPresent(fromNcw(dx.permute(2, 0, 1))));
    }

    @Override
    public void computeGradientAndScore(LayerWorkspaceMgr workspaceMgr) {
        gradient = backpropGradient(null, workspaceMgr).getFirst();
        score = computeScore(0.0, true, workspaceMgr);
    }

    /** {@code Σ loss_n / minibatch + fullNetRegTerm}, as DL4J's output layers define the score. */
    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        double total = 0.0;
        for (double loss : lossPerToken(training, workspaceMgr)) {
            total += loss;
        }
        if (conf().isMiniBatch()) {
            total /= getInputMiniBatchSize();
        }
        score = total + fullNetRegTerm;
        return score;
    }

    /** The loss of each sequence (summed over its steps) plus {@code fullNetRegTerm}, as {@code [minibatch, 1]}. */
    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        double[] perToken = lossPerToken(false, workspaceMgr);
        int batch = (int) input.size(0);
        double[] perSequence = new double[batch];
        for (int n = 0; n < perToken.length; n++) {
            perSequence[n % batch] += perToken[n];
        }
        for (int b = 0; b < batch; b++) {
            perSequence[b] += fullNetRegTerm;
        }
        INDArray scores = Nd4j.createFromArray(perSequence).reshape(batch, 1).castTo(dataType);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, scores);
    }

    private double[] lossPerToken(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("Cannot calculate score without input and labels " + layerId());
        }
        LastLoss last = lastLoss;
        if (last != null && last.input() == input && last.labels() == labels && last.mask() == maskArray) {
            return last.perToken();
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        Inputs x = inputs(ArrayType.FF_WORKING_MEM, workspaceMgr);
        INDArray logits = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType,
                new long[] {x.steps() * x.batch(), layerConf().getNOut()}, 'c');
        double[] mask = tokenMask(x);
        return kernel(x, mask, training, workspaceMgr).loss(targets(mask, ArrayType.FF_WORKING_MEM, workspaceMgr),
                logits);
    }

    private SoftmaxCrossEntropy kernel(Inputs x, double[] mask, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray b = hasBias() ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr) : null;
        return new SoftmaxCrossEntropy(x.matrix(), x.tokenRows(), Blocks.columnMajor(w), b, mask);
    }

    /**
     * The input as a matrix for {@link SoftmaxCrossEntropy}: {@code [F, T·B]} (feature-major) or {@code [T·B, F]}
     * (token-major, {@code tokenRows}), with the input's steps and minibatch size.
     */
    private record Inputs(INDArray matrix, boolean tokenRows, long steps, long batch) {
    }

    /**
     * The input as {@link Inputs}: a view of a C-order {@code [F, T, B]} array (seqzoo recurrent layers' output
     * store) or of a C-order {@code [T, B, F]} array (the oneDNN LSTM pass's output), else a feature-major copy in
     * working memory of {@code type}.
     */
    private Inputs inputs(ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        INDArray ncw = toNcw(input.castTo(dataType));
        Preconditions.checkArgument(ncw.rank() == 3 && ncw.size(1) == layerConf().getNIn(),
                "%s: input must be [minibatch, nIn=%s, time] (%s), got %ndShape", layerId(), layerConf().getNIn(),
                layerConf().getRnnDataFormat(), input);
        long features = ncw.size(1);
        long steps = ncw.size(2);
        long batch = ncw.size(0);
        INDArray tokenMajor = denseView(ncw.permute(2, 0, 1));
        if (tokenMajor != null) {
            return new Inputs(tokenMajor.reshape('c', steps * batch, features), true, steps, batch);
        }
        return new Inputs(featureColumns(denseOrCopy(ncw.permute(1, 2, 0), type, workspaceMgr)), false, steps, batch);
    }

    /** {@code view} as a C-order array with default strides: a view of the same memory if it is one, else a copy. */
    private static INDArray denseOrCopy(INDArray view, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        INDArray dense = denseView(view);
        return dense != null ? dense
                : workspaceMgr.createUninitialized(type, view.dataType(), view.shape(), 'c').assign(view);
    }

    /** {@code view} as a C-order array with default strides if its memory is laid out so, else {@code null}. */
    private static INDArray denseView(INDArray view) {
        long[] shape = view.shape();
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            if (shape[d] != 1 && view.stride(d) != stride) {
                return null;
            }
            stride *= shape[d];
        }
        return Nd4j.create(view.data(), shape, strides, view.offset(), 'c', view.dataType());
    }

    /** A C-order {@code [F, T, B]} array as the matrix {@code [F, N]} (a view; column {@code n = t·B + b}). */
    private static INDArray featureColumns(INDArray featureMajor) {
        return featureMajor.reshape('c', featureMajor.size(0), featureMajor.size(1) * featureMajor.size(2));
    }

    /** A C-order {@code [T, B, V]} array as the matrix {@code [N, V]} (a view; row {@code n = t·B + b}). */
    private static INDArray tokenRows(INDArray tokenMajor) {
        return tokenMajor.reshape('c', tokenMajor.size(0) * tokenMajor.size(1), tokenMajor.size(2));
    }

    /** The labels as {@link SoftmaxTargets}, checked against the input's minibatch and steps. */
    private SoftmaxTargets targets(double[] mask, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        if (labels == null) {
            throw new IllegalStateException("No labels set " + layerId());
        }
        INDArray ncw = toNcw(labels);
        long batch = input.size(0);
        long steps = toNcw(input).size(2);
        long classes = layerConf().getNOut();
        boolean sparse = layerConf().sparseLabels();
        long width = sparse ? 1 : classes;
        if (ncw.rank() != 3 || ncw.size(0) != batch || ncw.size(1) != width || ncw.size(2) != steps) {
            throw new IllegalArgumentException(layerId() + ": labels must be [minibatch=" + batch + ", "
                    + (sparse ? "1 (class indices)" : "nOut=" + classes) + ", time=" + steps + "] ("
                    + layerConf().getRnnDataFormat() + "), got " + Arrays.toString(labels.shape()));
        }
        return sparse ? SoftmaxTargets.indices(ncw, mask, (int) classes)
                : SoftmaxTargets.distributions(denseOrCopy(ncw.castTo(dataType).permute(2, 0, 1), type, workspaceMgr));
    }

    /** The per-step mask {@code [B, T]} as {@code m_n} for token {@code n = t·B + b}, or {@code null}. */
    private double[] tokenMask(Inputs x) {
        if (maskArray == null) {
            return null;
        }
        long steps = x.steps();
        long batch = x.batch();
        Preconditions.checkArgument(maskArray.rank() == 2 && maskArray.size(0) == batch
                        && maskArray.size(1) == steps,
                "%s: mask must be [minibatch=%s, time=%s] (per-step; per-output masks are not supported), got %ndShape",
                layerId(), batch, steps, maskArray);
        return maskArray.transpose().dup('c').reshape(steps * batch).toDoubleVector();
    }

    private INDArray toNcw(INDArray array) {
        return layerConf().getRnnDataFormat() == RNNFormat.NWC ? array.permute(0, 2, 1) : array;
    }

    private INDArray fromNcw(INDArray array) {
        return toNcw(array);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        return null; // the last layer: its mask is the labels' mask, set by the network
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return TimeSeriesUtils.reshape3dTo2d(toNcw(labels), workspaceMgr, arrayType);
    }
}
