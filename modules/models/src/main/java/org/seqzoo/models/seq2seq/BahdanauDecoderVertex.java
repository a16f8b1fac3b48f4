package org.seqzoo.models.seq2seq;

import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.GatedRecurrentLayer;

/**
 * A recurrent decoder with Bahdanau attention inside its recurrence (DESIGN.md; Bahdanau et al. 2014): the
 * context {@code c_t} is computed from {@code s_{t-1}} ({@link BahdanauAttention}) and enters the cell,
 * {@code s_t = cell(s_{t-1}, [E y_{t-1}; c_t])}, so this is a recurrent decoder of its own with hand-written
 * backprop. The first state comes from the encoder through {@link StateBridge} ({@code tanh(C·W_s + b_s)}).
 *
 * <p>Inputs: {@code "input"} — embedded decoder inputs {@code [B, E, T]} (target mask), {@code "encoder"} —
 * encoder states {@code h_j} {@code [B, He, Ts]} (source mask: padding gets attention weight exactly 0),
 * {@code "context"} — {@code C} {@code [B, Hc]}. Output {@code [B, H + He, T]}: {@code [s_t; c_t]}, zero at
 * padded steps, so that the output layer can compute {@code P(y_t) = softmax(W_o [s_t; c_t; E y_{t-1}] + b_o)}.
 * Parameters: the cell's ({@code nIn} = E) plus {@code Wc [He, G·H]}, {@code Wa [H, A]}, {@code Ua [He, A]},
 * {@code va [A, 1]} and the bridge's.
 */
public class BahdanauDecoderVertex extends CellVertex {

    static final String CONTEXT_WEIGHT_KEY = "Wc";
    static final String QUERY_WEIGHT_KEY = "Wa";
    static final String KEY_WEIGHT_KEY = "Ua";
    static final String SCORE_WEIGHT_KEY = "va";

    private long encoderSize;
    private long attentionSize;
    private long contextSize;

    /** For JSON deserialisation only. */
    public BahdanauDecoderVertex() {
    }

    /**
     * @param cell          the decoder cell ({@code nIn} = embedding size E, {@code nOut} = H)
     * @param encoderSize   He, size of the encoder states attended over
     * @param attentionSize A, size of the additive attention's hidden layer
     * @param contextSize   Hc, size of {@code C} the first state is projected from
     */
    public BahdanauDecoderVertex(GatedRecurrentLayer cell, long encoderSize, long attentionSize, long contextSize) {
        super(cell);
        this.encoderSize = encoderSize;
        this.attentionSize = attentionSize;
        this.contextSize = contextSize;
    }

    public long getEncoderSize() {
        return encoderSize;
    }

    public void setEncoderSize(long encoderSize) {
        this.encoderSize = encoderSize;
    }

    public long getAttentionSize() {
        return attentionSize;
    }

    public void setAttentionSize(long attentionSize) {
        this.attentionSize = attentionSize;
    }

    public long getContextSize() {
        return contextSize;
    }

    public void setContextSize(long contextSize) {
        this.contextSize = contextSize;
    }

    StateBridge bridge() {
        return new StateBridge(true, contextSize, getCell().getNOut(), lstm());
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("input", "encoder", "context");
        CellParams.declare(params, getCell());
        long h = getCell().getNOut();
        params.addWeightParam(CONTEXT_WEIGHT_KEY, encoderSize, (long) getCell().gateBlocks() * h);
        params.addWeightParam(QUERY_WEIGHT_KEY, h, attentionSize);
        params.addWeightParam(KEY_WEIGHT_KEY, encoderSize, attentionSize);
        params.addWeightParam(SCORE_WEIGHT_KEY, attentionSize, 1);
        bridge().declare(params);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        CellParams.initialize(params, getCell());
        IWeightInit init = CellParams.weightInit(getCell());
        long h = getCell().getNOut();
        INDArray wc = params.get(CONTEXT_WEIGHT_KEY);
        init.init(encoderSize, h, wc.shape(), 'c', wc);
        INDArray wa = params.get(QUERY_WEIGHT_KEY);
        init.init(h, attentionSize, wa.shape(), 'c', wa);
        INDArray ua = params.get(KEY_WEIGHT_KEY);
        init.init(encoderSize, attentionSize, ua.shape(), 'c', ua);
        INDArray va = params.get(SCORE_WEIGHT_KEY);
        init.init(attentionSize, 1, va.shape(), 'c', va);
        bridge().initialize(params, init);
    }

    @Override
    public int minVertexInputs() {
        return 3;
    }

    @Override
    public int maxVertexInputs() {
        return 3;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        setName(name);
        return new BahdanauDecoderGraphVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 3 || vertexInputs[0].getType() != InputType.Type.RNN
                || vertexInputs[1].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException("BahdanauDecoderVertex expects [decoder inputs (recurrent), encoder "
                    + "states (recurrent), context], got " + java.util.Arrays.toString(vertexInputs));
        }
        InputType.InputTypeRecurrent in = (InputType.InputTypeRecurrent) vertexInputs[0];
        long encoder = ((InputType.InputTypeRecurrent) vertexInputs[1]).getSize();
        if (in.getSize() != getCell().getNIn() || encoder != encoderSize
                || vertexInputs[2].arrayElementsPerExample() != contextSize) {
            throw new InvalidInputTypeException("BahdanauDecoderVertex sizes: inputs " + in.getSize() + " (cell nIn "
                    + getCell().getNIn() + "), encoder " + encoder + " (expected " + encoderSize + "), context "
                    + vertexInputs[2].arrayElementsPerExample() + " (expected " + contextSize + ")");
        }
        return InputType.recurrent(getCell().getNOut() + encoderSize, in.getTimeSeriesLength());
    }

    @Override
    public GraphVertex clone() {
        return new BahdanauDecoderVertex((GatedRecurrentLayer) getCell().clone(), encoderSize, attentionSize, contextSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BahdanauDecoderVertex other && Objects.equals(getCell(), other.getCell())
                && encoderSize == other.encoderSize && attentionSize == other.attentionSize
                && contextSize == other.contextSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getCell(), encoderSize, attentionSize, contextSize);
    }

    @Override
    public String toString() {
        return "BahdanauDecoderVertex(cell=" + getCell() + ", encoderSize=" + encoderSize + ", attentionSize="
                + attentionSize + ", contextSize=" + contextSize + ")";
    }
}
