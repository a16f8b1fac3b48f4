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

/**
 * Luong global attention after the decoder RNN (Luong, Pham &amp; Manning 2015, §3.1, eq. 5 and 8; DESIGN.md):
 * for decoder states {@code s_t} and encoder states {@code h_j},
 * <pre>
 * score(s_t, h_j) = s_tᵀ h_j (DOT) or s_tᵀ W_a h_j (GENERAL)     α_t = softmax_j over real source positions
 * c_t = Σ_j α_tj h_j                                              h~_t = tanh(W_c [c_t; s_t])
 * </pre>
 * and the output layer computes {@code P(y_t) = softmax(W_s h~_t)}.
 *
 * <p>Inputs: {@code "decoder"} — {@code s} {@code [B, H, T]} (target mask), {@code "encoder"} — {@code h}
 * {@code [B, He, Ts]} (source mask). Output {@code h~} {@code [B, H, T]}, zero at padded steps. Parameters
 * {@code Wa [H, He]} (GENERAL only; DOT needs {@code He = H}) and {@code Wc [He + H, H]}.
 */
public class LuongAttentionVertex extends HandWrittenVertex {

    /** Luong's score functions implemented here. */
    public enum Score { DOT, GENERAL }

    static final String SCORE_WEIGHT_KEY = "Wa";
    static final String COMBINE_WEIGHT_KEY = "Wc";

    private Score score;
    private long decoderSize;
    private long encoderSize;
    /** For JSON deserialisation only. */
    public LuongAttentionVertex() {
    }

    /**
     * @param score       DOT or GENERAL
     * @param decoderSize H
     * @param encoderSize He (must equal H for DOT)
     */
    public LuongAttentionVertex(Score score, long decoderSize, long encoderSize) {
        this.score = Objects.requireNonNull(score, "score");
        this.decoderSize = decoderSize;
        this.encoderSize = encoderSize;
        if (score == Score.DOT && decoderSize != encoderSize) {
            throw new IllegalArgumentException("Luong DOT score needs equal decoder and encoder sizes, got "
                    + decoderSize + " and " + encoderSize + ": use GENERAL");
        }
    }

    public Score getScore() {
        return score;
    }

    public void setScore(Score score) {
        this.score = score;
    }

    public long getDecoderSize() {
        return decoderSize;
    }

    public void setDecoderSize(long decoderSize) {
        this.decoderSize = decoderSize;
    }

    public long getEncoderSize() {
        return encoderSize;
    }

    public void setEncoderSize(long encoderSize) {
        this.encoderSize = encoderSize;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("decoder", "encoder");
        if (score == Score.GENERAL) {
            params.addWeightParam(SCORE_WEIGHT_KEY, decoderSize, encoderSize);
        }
        params.addWeightParam(COMBINE_WEIGHT_KEY, encoderSize + decoderSize, decoderSize);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        IWeightInit init = weightInitOrDefault();
        if (score == Score.GENERAL) {
            INDArray wa = params.get(SCORE_WEIGHT_KEY);
            init.init(encoderSize, decoderSize, wa.shape(), 'c', wa);
        }
        INDArray wc = params.get(COMBINE_WEIGHT_KEY);
        init.init(encoderSize + decoderSize, decoderSize, wc.shape(), 'c', wc);
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        setName(name);
        return new LuongAttentionGraphVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2 || vertexInputs[0].getType() != InputType.Type.RNN
                || vertexInputs[1].getType() != InputType.Type.RNN) {
            throw new InvalidInputTypeException("LuongAttentionVertex expects [decoder states, encoder states], both "
                    + "recurrent, got " + java.util.Arrays.toString(vertexInputs));
        }
        InputType.InputTypeRecurrent decoder = (InputType.InputTypeRecurrent) vertexInputs[0];
        long encoder = ((InputType.InputTypeRecurrent) vertexInputs[1]).getSize();
        if (decoder.getSize() != decoderSize || encoder != encoderSize) {
            throw new InvalidInputTypeException("LuongAttentionVertex sizes: decoder " + decoder.getSize()
                    + " (expected " + decoderSize + "), encoder " + encoder + " (expected " + encoderSize + ")");
        }
        return InputType.recurrent(decoderSize, decoder.getTimeSeriesLength());
    }

    @Override
    public GraphVertex clone() {
        LuongAttentionVertex copy = new LuongAttentionVertex(score, decoderSize, encoderSize);
        copy.setWeightInit(getWeightInit());
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LuongAttentionVertex other && score == other.score && decoderSize == other.decoderSize
                && encoderSize == other.encoderSize && Objects.equals(getWeightInit(), other.getWeightInit());
    }

    @Override
    public int hashCode() {
        return Objects.hash(score, decoderSize, encoderSize, getWeightInit());
    }

    @Override
    public String toString() {
        return "LuongAttentionVertex(score=" + score + ", decoderSize=" + decoderSize + ", encoderSize=" + encoderSize
                + ")";
    }
}
