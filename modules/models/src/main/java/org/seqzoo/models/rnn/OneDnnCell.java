package org.seqzoo.models.rnn;

import org.bytedeco.dnnl.gru_forward;
import org.bytedeco.dnnl.lbr_gru_forward;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.global.dnnl;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The recurrent cells {@link OneDnnRecurrentInference} runs through oneDNN, with how seqzoo's parameters map onto
 * oneDNN's: {@link #LSTM} ({@code lstm_forward}; DESIGN.md's LSTM, one bias), {@link #GRU_RESET_AFTER}
 * ({@code lbr_gru_forward}, oneDNN's "linear before reset" GRU, which is PyTorch's and DESIGN.md's
 * {@code resetAfter=true} form: {@code n_t = tanh(W_n x_t + b_wn + r_t ⊙ (U_n h_{t-1} + b_un))}) and
 * {@link #GRU_RESET_BEFORE} ({@code gru_forward}, Cho et al.'s form: {@code n_t = tanh(W_n x_t + U_n (r_t ⊙ h_{t-1})
 * + b_n)}); both GRUs with {@code h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}}.
 */
enum OneDnnCell {

    /** seqzoo's blocks {@code i | f | o | g}; oneDNN's gates {@code i, f, c~, o}; one bias per gate. */
    LSTM(new int[] {0, 1, 3, 2}, "seqzoo.lstm.onednn"),
    /**
     * seqzoo's blocks {@code r | z | n}; oneDNN's gates {@code u (= z), r, o (= n)}; four bias gates: {@code b} of
     * {@code z, r, n}, then the recurrent candidate bias {@code b_un} (seqzoo's {@code rb}).
     */
    GRU_RESET_AFTER(new int[] {1, 0, 2}, "seqzoo.gru.onednn"),
    /** Gates as the reset-after GRU's; three bias gates, {@code b} of {@code z, r, n} (there is no {@code rb}). */
    GRU_RESET_BEFORE(new int[] {1, 0, 2}, "seqzoo.gru.onednn");

    /** seqzoo's gate block for each of oneDNN's gates. */
    private final int[] seqzooBlocks;
    private final String property;

    OneDnnCell(int[] seqzooBlocks, String property) {
        this.seqzooBlocks = seqzooBlocks.clone();
        this.property = property;
    }

    /** Gate blocks of the weight matrices ({@code G}). */
    int gates() {
        return seqzooBlocks.length;
    }

    /**
     * Gates of oneDNN's bias ({@code ldgo}): one per gate, and for the reset-after GRU its recurrent candidate bias.
     */
    int biasGates() {
        return this == GRU_RESET_AFTER ? gates() + 1 : gates();
    }

    /** seqzoo's block (of {@code G}) for oneDNN's gate {@code gate}. */
    int seqzooBlock(int gate) {
        return seqzooBlocks[gate];
    }

    /** Whether the cell has a cell state {@code c} (LSTM) besides {@code h}. */
    boolean hasCellState() {
        return this == LSTM;
    }

    /** System property whose value {@code false} keeps this cell's inference on the kernel's own loops. */
    String property() {
        return property;
    }

    /** Whether the path is switched on ({@link #property()} not {@code false}). */
    boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(property, "true"));
    }

    /** The parameters as oneDNN's converter reads them: {@code W}, {@code U}, {@code b} (and the GRU's {@code rb}). */
    INDArray[] parameters(GateWeights weights) {
        INDArray w = Blocks.columnMajor(weights.w());
        INDArray u = Blocks.columnMajor(weights.rw());
        return this == GRU_RESET_AFTER ? new INDArray[] {w, u, weights.b(), weights.rb()}
                : new INDArray[] {w, u, weights.b()};
    }

    /** oneDNN's description of a weight matrix with {@code rows} inputs: {@code ldigo [1, 1, rows, G, H]}. */
    memory.desc weightsDesc(int rows, int hidden) {
        return OneDnn.desc(memory.format_tag.ldigo, 1, 1, rows, gates(), hidden);
    }

    /** oneDNN's description of the bias: {@code ldgo [1, 1, G', H]} ({@link #biasGates}). */
    memory.desc biasDesc(int hidden) {
        return OneDnn.desc(memory.format_tag.ldgo, 1, 1, biasGates(), hidden);
    }

    /**
     * A forward-inference primitive's description for inputs of {@code nIn} features, with these memory descriptions
     * (a GRU has no {@code c}).
     */
    rnn_primitive_desc_base describe(int nIn, int hidden, memory.desc input, memory.desc initial,
                                     memory.desc initialC, memory.desc output, memory.desc last, memory.desc lastC) {
        memory.desc layer = weightsDesc(nIn, hidden);
        memory.desc iter = weightsDesc(hidden, hidden);
        memory.desc bias = biasDesc(hidden);
        return switch (this) {
            case LSTM -> new lstm_forward.primitive_desc(new lstm_forward.desc(dnnl.prop_kind.forward_inference,
                    dnnl.rnn_direction.unidirectional_left2right, input, initial, initialC, layer, iter, bias, output,
                    last, lastC), OneDnn.userScratchpad(), OneDnn.cpu());
            case GRU_RESET_AFTER -> new lbr_gru_forward.primitive_desc(new lbr_gru_forward.desc(
                    dnnl.prop_kind.forward_inference, dnnl.rnn_direction.unidirectional_left2right, input, initial,
                    layer, iter, bias, output, last), OneDnn.userScratchpad(), OneDnn.cpu());
            case GRU_RESET_BEFORE -> new gru_forward.primitive_desc(new gru_forward.desc(
                    dnnl.prop_kind.forward_inference, dnnl.rnn_direction.unidirectional_left2right, input, initial,
                    layer, iter, bias, output, last), OneDnn.userScratchpad(), OneDnn.cpu());
        };
    }

    /** The primitive of a description from {@link #describe}. */
    primitive create(rnn_primitive_desc_base description) {
        return switch (this) {
            case LSTM -> new lstm_forward((lstm_forward.primitive_desc) description);
            case GRU_RESET_AFTER -> new lbr_gru_forward((lbr_gru_forward.primitive_desc) description);
            case GRU_RESET_BEFORE -> new gru_forward((gru_forward.primitive_desc) description);
        };
    }
}
