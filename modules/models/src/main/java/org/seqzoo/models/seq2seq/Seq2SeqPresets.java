package org.seqzoo.models.seq2seq;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.seqzoo.models.seq2seq.Seq2SeqSpec.Attention;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Bridge;
import org.seqzoo.models.seq2seq.Seq2SeqSpec.Cell;

/**
 * Named starting points for the common encoder–decoder models, each a {@link Seq2SeqSpec.Builder} with sensible
 * defaults that any option can override ({@code Seq2SeqPresets.builder("gru-bahdanau", 5000, 6000)
 * .hiddenSize(512).build()}), and each also a DL4J {@code ZooModel} ({@link Seq2SeqZooModel}).
 * <ul>
 *   <li>{@code gru-bahdanau} — GRU, bidirectional encoder, Bahdanau attention (the default model);</li>
 *   <li>{@code lstm-luong} — LSTM, Luong attention with the general score;</li>
 *   <li>{@code gru-luong} — GRU, Luong attention with the dot score;</li>
 *   <li>{@code lstm-plain} — LSTM encoder–decoder, initial-state bridge (Sutskever et al. 2014, with
 *       source reversal);</li>
 *   <li>{@code gru-plain} — GRU encoder–decoder, initial-state bridge;</li>
 *   <li>{@code gru-context} — GRU, the context joined to every decoder step (Cho et al. 2014);</li>
 *   <li>{@code rnn-baseline} — DL4J's SimpleRnn, context every step: the baseline.</li>
 * </ul>
 */
public final class Seq2SeqPresets {

    private static final Map<String, UnaryOperator<Seq2SeqSpec.Builder>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("gru-bahdanau", b -> b.cell(Cell.GRU).bidirectionalEncoder(true).attention(Attention.BAHDANAU)
                .embeddingSize(64).hiddenSize(128).attentionSize(128));
        PRESETS.put("lstm-luong", b -> b.cell(Cell.LSTM).attention(Attention.LUONG_GENERAL).embeddingSize(64)
                .hiddenSize(128));
        PRESETS.put("gru-luong", b -> b.cell(Cell.GRU).attention(Attention.LUONG_DOT).embeddingSize(64)
                .hiddenSize(128));
        PRESETS.put("lstm-plain", b -> b.cell(Cell.LSTM).bridge(Bridge.INITIAL_STATE).reverseSource(true)
                .embeddingSize(64).hiddenSize(256));
        PRESETS.put("gru-plain", b -> b.cell(Cell.GRU).bridge(Bridge.INITIAL_STATE).embeddingSize(64).hiddenSize(256));
        PRESETS.put("gru-context", b -> b.cell(Cell.GRU).bridge(Bridge.CONTEXT_EVERY_STEP).embeddingSize(64)
                .hiddenSize(256));
        PRESETS.put("rnn-baseline", b -> b.cell(Cell.SIMPLE_RNN).bridge(Bridge.CONTEXT_EVERY_STEP).embeddingSize(64)
                .hiddenSize(256));
    }

    /** The default preset. */
    public static final String DEFAULT = "gru-bahdanau";

    private Seq2SeqPresets() {
    }

    /** Names of the presets, in the order above. */
    public static Set<String> names() {
        return PRESETS.keySet();
    }

    /**
     * A builder for preset {@code name} with the given vocabulary sizes.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Seq2SeqSpec.Builder builder(String name, int sourceVocabSize, int targetVocabSize) {
        UnaryOperator<Seq2SeqSpec.Builder> preset = PRESETS.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("unknown model preset '" + name + "'; presets: " + names());
        }
        return preset.apply(Seq2SeqSpec.builder().vocabularies(sourceVocabSize, targetVocabSize));
    }
}
