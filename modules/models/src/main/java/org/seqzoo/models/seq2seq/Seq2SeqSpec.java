package org.seqzoo.models.seq2seq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.shade.jackson.databind.DeserializationFeature;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

/**
 * What an encoder–decoder model is (DESIGN.md, "Seq2seq"): cell, sizes, bridge, source reversal, attention,
 * embeddings and the few training settings baked into a DL4J graph configuration. Immutable; built with
 * {@link #builder()} (or a {@link Seq2SeqPresets preset}), checked by {@link Builder#build()} — every
 * combination is either valid or rejected there with a message saying why — and turned into an ordinary
 * {@code ComputationGraph} by {@link Seq2SeqGraphs}. Saved as JSON in model bundles.
 *
 * <p>The graph's inputs are token ids {@code source [B, 1, Ts]} and decoder input {@code target [B, 1, Tt]}
 * ({@code <s> y_1 … y_n}), with per-step masks; its one output is {@code P(y_t)} over the target vocabulary,
 * trained against {@code y_1 … y_n </s>} as sparse indices {@code [B, 1, Tt]} ({@code LossSparseMCXENT}), or
 * one-hot {@code [B, V, Tt]} ({@code LossMCXENT}) when {@link #sparseLabels()} is off.
 *
 * @param cell                 recurrent cell of encoder and decoder
 * @param sourceVocabSize      source vocabulary size (specials included)
 * @param targetVocabSize      target vocabulary size (specials included)
 * @param embeddingSize        E, for source and target tokens
 * @param hiddenSize           H, per direction in the encoder, and in the decoder
 * @param encoderLayers        stacked encoder layers
 * @param decoderLayers        stacked decoder layers (1 with Bahdanau attention)
 * @param dropout              drop probability on the inputs of recurrent and output layers (0 = none)
 * @param bidirectionalEncoder encoder layers read both ways (outputs 2H: forward and backward concatenated)
 * @param bridge               how the encoder's summary reaches a decoder without attention
 * @param reverseSource        feed the source backwards (Sutskever et al. 2014; not with attention)
 * @param attention            attention type, or NONE
 * @param attentionSize        A, hidden size of Bahdanau's additive score
 * @param sharedEmbeddings     one embedding matrix for source and target (needs one shared vocabulary)
 * @param sparseLabels         labels as indices (default) or one-hot
 * @param learningRate         Adam's learning rate
 * @param learningRateDecay    factor the learning rate is multiplied by every {@code decaySteps} updates (1 = constant)
 * @param decaySteps           updates between learning-rate decays
 * @param gradientClip         clip each layer's gradient to this L2 norm (0 = no clipping)
 * @param seed                 seed of parameter initialisation and dropout
 */
public record Seq2SeqSpec(Cell cell, int sourceVocabSize, int targetVocabSize, int embeddingSize, int hiddenSize,
                          int encoderLayers, int decoderLayers, double dropout, boolean bidirectionalEncoder,
                          Bridge bridge, boolean reverseSource, Attention attention, int attentionSize,
                          boolean sharedEmbeddings, boolean sparseLabels, double learningRate,
                          double learningRateDecay, int decaySteps, double gradientClip, long seed) {

    /** Recurrent cells. */
    public enum Cell {
        /** seqzoo's LSTM (same function as DL4J's; takes an initial state, faster). */
        LSTM,
        /** seqzoo's GRU, reset-after form (PyTorch, cuDNN, Keras). */
        GRU,
        /** seqzoo's GRU, reset-before form (Cho et al. 2014). */
        GRU_RESET_BEFORE,
        /** DL4J's own LSTM layer: only where no initial state is needed (CONTEXT_EVERY_STEP, no attention). */
        DL4J_LSTM,
        /** DL4J's SimpleRnn, the baseline: only with CONTEXT_EVERY_STEP and no attention. */
        SIMPLE_RNN;

        /** Whether the cell can start from a state given by the graph (seqzoo's cells). */
        public boolean takesInitialState() {
            return this == LSTM || this == GRU || this == GRU_RESET_BEFORE;
        }
    }

    /** How a decoder without attention gets the encoder's summary {@code C}. */
    public enum Bridge {
        /** {@code s_t = f(s_{t-1}, y_{t-1}, C)}, {@code P(y_t) = g(s_t, y_{t-1}, C)}: C joined to every step. */
        CONTEXT_EVERY_STEP,
        /** {@code s_0 = C} (projected if sizes differ), {@code s_t = f(s_{t-1}, y_{t-1})}, {@code P(y_t) = g(s_t)}. */
        INITIAL_STATE
    }

    /** Attention types. */
    public enum Attention {
        NONE,
        /** Additive, inside the decoder recurrence (Bahdanau et al. 2014). */
        BAHDANAU,
        /** Luong et al. 2015 global attention after the decoder, dot-product score. */
        LUONG_DOT,
        /** Luong et al. 2015 global attention after the decoder, {@code s_tᵀ W_a h_j} score. */
        LUONG_GENERAL
    }

    /** A builder with sensible defaults (GRU, 64/128, one layer each, initial-state bridge, no attention). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this spec. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Size of each encoder output step (2H when bidirectional). */
    public int encoderOutputSize() {
        return bidirectionalEncoder ? 2 * hiddenSize : hiddenSize;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** This spec as JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A spec from {@link #toJson()}'s output, checked as {@link Builder#build()} does.
     *
     * @throws IllegalArgumentException if the JSON is malformed or describes an invalid combination
     */
    public static Seq2SeqSpec fromJson(String json) {
        Seq2SeqSpec spec;
        try {
            spec = JSON.readValue(json, Seq2SeqSpec.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a seq2seq model spec: " + e.getMessage().split("\\R")[0], e);
        }
        return spec.toBuilder().build();
    }

    /** Builder of {@link Seq2SeqSpec}; {@link #build()} checks the combination. */
    public static final class Builder {
        private Cell cell = Cell.GRU;
        private int sourceVocabSize;
        private int targetVocabSize;
        private int embeddingSize = 64;
        private int hiddenSize = 128;
        private int encoderLayers = 1;
        private int decoderLayers = 1;
        private double dropout;
        private boolean bidirectionalEncoder;
        private Bridge bridge = Bridge.INITIAL_STATE;
        private boolean reverseSource;
        private Attention attention = Attention.NONE;
        private int attentionSize = 64;
        private boolean sharedEmbeddings;
        private boolean sparseLabels = true;
        private double learningRate = 2e-3;
        private double learningRateDecay = 1.0;
        private int decaySteps = 1000;
        private double gradientClip = 5.0;
        private long seed = 12345;

        private Builder() {
        }

        private Builder(Seq2SeqSpec s) {
            cell = s.cell;
            sourceVocabSize = s.sourceVocabSize;
            targetVocabSize = s.targetVocabSize;
            embeddingSize = s.embeddingSize;
            hiddenSize = s.hiddenSize;
            encoderLayers = s.encoderLayers;
            decoderLayers = s.decoderLayers;
            dropout = s.dropout;
            bidirectionalEncoder = s.bidirectionalEncoder;
            bridge = s.bridge;
            reverseSource = s.reverseSource;
            attention = s.attention;
            attentionSize = s.attentionSize;
            sharedEmbeddings = s.sharedEmbeddings;
            sparseLabels = s.sparseLabels;
            learningRate = s.learningRate;
            learningRateDecay = s.learningRateDecay;
            decaySteps = s.decaySteps;
            gradientClip = s.gradientClip;
            seed = s.seed;
        }

        public Builder cell(Cell cell) {
            this.cell = cell;
            return this;
        }

        /** Source and target vocabulary sizes, specials included. */
        public Builder vocabularies(int sourceVocabSize, int targetVocabSize) {
            this.sourceVocabSize = sourceVocabSize;
            this.targetVocabSize = targetVocabSize;
            return this;
        }

        public Builder embeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        public Builder hiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        /** Encoder and decoder layers. */
        public Builder layers(int encoderLayers, int decoderLayers) {
            this.encoderLayers = encoderLayers;
            this.decoderLayers = decoderLayers;
            return this;
        }

        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        public Builder bidirectionalEncoder(boolean bidirectionalEncoder) {
            this.bidirectionalEncoder = bidirectionalEncoder;
            return this;
        }

        public Builder bridge(Bridge bridge) {
            this.bridge = bridge;
            return this;
        }

        public Builder reverseSource(boolean reverseSource) {
            this.reverseSource = reverseSource;
            return this;
        }

        public Builder attention(Attention attention) {
            this.attention = attention;
            return this;
        }

        public Builder attentionSize(int attentionSize) {
            this.attentionSize = attentionSize;
            return this;
        }

        public Builder sharedEmbeddings(boolean sharedEmbeddings) {
            this.sharedEmbeddings = sharedEmbeddings;
            return this;
        }

        public Builder sparseLabels(boolean sparseLabels) {
            this.sparseLabels = sparseLabels;
            return this;
        }

        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Multiply the learning rate by {@code factor} every {@code steps} updates (a step schedule). */
        public Builder learningRateDecay(double factor, int steps) {
            this.learningRateDecay = factor;
            this.decaySteps = steps;
            return this;
        }

        public Builder gradientClip(double gradientClip) {
            this.gradientClip = gradientClip;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The spec, if the combination is valid.
         *
         * @throws IllegalArgumentException listing every problem with the combination
         */
        public Seq2SeqSpec build() {
            List<String> problems = new ArrayList<>();
            check(problems, cell != null, "cell is not set");
            check(problems, bridge != null, "bridge is not set");
            check(problems, attention != null, "attention is not set (use NONE for none)");
            check(problems, sourceVocabSize > 4 && targetVocabSize > 4, "vocabulary sizes must exceed the 4 specials,"
                    + " got source " + sourceVocabSize + " and target " + targetVocabSize);
            check(problems, embeddingSize > 0 && hiddenSize > 0 && attentionSize > 0,
                    "embedding, hidden and attention sizes must be positive");
            check(problems, encoderLayers > 0 && decoderLayers > 0, "encoder and decoder need at least one layer each");
            check(problems, dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
            check(problems, learningRate > 0, "learning rate must be positive, got " + learningRate);
            check(problems, learningRateDecay > 0 && learningRateDecay <= 1 && decaySteps > 0,
                    "learning-rate decay must be in (0, 1] every > 0 steps, got " + learningRateDecay + " every "
                            + decaySteps);
            check(problems, gradientClip >= 0, "gradient clip must be >= 0 (0 = none), got " + gradientClip);
            if (problems.isEmpty()) {
                checkCombination(problems);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid seq2seq model: " + String.join("; ", problems));
            }
            return new Seq2SeqSpec(cell, sourceVocabSize, targetVocabSize, embeddingSize, hiddenSize, encoderLayers,
                    decoderLayers, dropout, bidirectionalEncoder, bridge, reverseSource, attention, attentionSize,
                    sharedEmbeddings, sparseLabels, learningRate, learningRateDecay, decaySteps, gradientClip, seed);
        }

        private void checkCombination(List<String> problems) {
            boolean attends = attention != Attention.NONE;
            check(problems, !attends || bridge == Bridge.INITIAL_STATE, "attention replaces the fixed context: "
                    + "use bridge INITIAL_STATE with " + attention);
            check(problems, !(attends && reverseSource), "source reversal is a remedy for the fixed-size context; "
                    + "with attention it only permutes source positions: turn one of them off");
            check(problems, attention != Attention.BAHDANAU || decoderLayers == 1, "the Bahdanau decoder has one "
                    + "recurrent layer (attention inside its recurrence): use decoderLayers=1, or Luong attention");
            int encoderOut = bidirectionalEncoder ? 2 * hiddenSize : hiddenSize;
            check(problems, attention != Attention.LUONG_DOT || encoderOut == hiddenSize, "the Luong dot score "
                    + "needs encoder outputs of the decoder's size (" + hiddenSize + "), a bidirectional encoder gives "
                    + encoderOut + ": use LUONG_GENERAL");
            check(problems, cell.takesInitialState() || (bridge == Bridge.CONTEXT_EVERY_STEP && !attends), cell
                    + " cannot start from a state given by the graph (DL4J's layers take no initial state): use "
                    + "bridge CONTEXT_EVERY_STEP without attention, or a seqzoo cell (LSTM, GRU, GRU_RESET_BEFORE)");
            check(problems, !sharedEmbeddings || sourceVocabSize == targetVocabSize, "shared embeddings need one "
                    + "shared vocabulary, got sizes " + sourceVocabSize + " and " + targetVocabSize);
        }

        private static void check(List<String> problems, boolean ok, String problem) {
            if (!ok) {
                problems.add(problem);
            }
        }
    }
}
