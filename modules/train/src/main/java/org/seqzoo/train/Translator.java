package org.seqzoo.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.data.batch.LabelFormat;
import org.seqzoo.data.batch.PairVectorizer;
import org.seqzoo.data.text.Tokenizer;
import org.seqzoo.data.vocab.Vocabulary;
import org.seqzoo.models.seq2seq.BeamSearch;
import org.seqzoo.models.seq2seq.GreedyDecoding;
import org.seqzoo.models.seq2seq.Hypothesis;
import org.seqzoo.models.seq2seq.Seq2SeqDecoder;
import org.seqzoo.train.bundle.ModelBundle;

/**
 * Text in, text out with a {@link ModelBundle}: tokenises with the bundle's text settings, maps tokens to ids
 * ({@code <unk>} for unknown ones), decodes in batches (greedy, or beam search with n-best), and turns the ids
 * back into readable text with the target tokenizer's detokeniser.
 */
public final class Translator {

    /**
     * How to decode.
     *
     * @param beam          beam width; 1 is greedy decoding
     * @param nBest         candidates returned per sentence (≤ beam)
     * @param maxLength     output token limit; 0 for {@code 2 × source length + 10}
     * @param lengthPenalty α of beam search's length normalisation
     * @param batchSize     sentences decoded together
     */
    public record DecodeSettings(int beam, int nBest, int maxLength, double lengthPenalty, int batchSize) {
        public DecodeSettings {
            if (beam < 1 || nBest < 1 || nBest > beam || maxLength < 0 || batchSize < 1 || lengthPenalty < 0) {
                throw new IllegalArgumentException("decode settings need beam ≥ 1, 1 ≤ n-best ≤ beam, max length ≥ 0,"
                        + " batch ≥ 1, length penalty ≥ 0; got beam=" + beam + " nBest=" + nBest + " maxLength="
                        + maxLength + " batch=" + batchSize + " lengthPenalty=" + lengthPenalty);
            }
        }

        /** Greedy, one candidate, automatic length limit. */
        public static DecodeSettings greedy() {
            return new DecodeSettings(1, 1, 0, 0.0, 64);
        }
    }

    /** One output candidate: text, tokens, scores, and attention {@code [output token][source token]} if any. */
    public record Candidate(String text, List<String> tokens, double logProbability, double score,
                            boolean finished, Optional<float[][]> attention) {
    }

    /** A translated sentence: its source tokens and the candidates, best first. */
    public record Translation(String source, List<String> sourceTokens, List<Candidate> candidates) {
        public Candidate best() {
            return candidates.get(0);
        }
    }

    private final ModelBundle bundle;
    private final Seq2SeqDecoder decoder;
    private final Tokenizer sourceTokenizer;
    private final Tokenizer targetTokenizer;

    public Translator(ModelBundle bundle) {
        this.bundle = bundle;
        this.decoder = new Seq2SeqDecoder(bundle.graph(), bundle.spec());
        this.sourceTokenizer = bundle.text().source();
        this.targetTokenizer = bundle.text().target();
    }

    /** The source tokens of a sentence, as the model sees them (unknown ones included as they were). */
    public List<String> sourceTokens(String sentence) {
        return sourceTokenizer.tokenize(sentence);
    }

    /** Translations of {@code sentences}, in order; a blank sentence gets one empty candidate. */
    public List<Translation> translate(List<String> sentences, DecodeSettings settings) {
        List<Translation> out = new ArrayList<>(sentences.size());
        for (int from = 0; from < sentences.size(); from += settings.batchSize()) {
            out.addAll(translateBatch(sentences.subList(from, Math.min(sentences.size(), from + settings.batchSize())),
                    settings));
        }
        return out;
    }

    private List<Translation> translateBatch(List<String> sentences, DecodeSettings settings) {
        Vocabulary source = bundle.vocabularies().source();
        List<List<String>> tokens = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        int longest = 0;
        for (String sentence : sentences) {
            List<String> t = sourceTokens(sentence);
            tokens.add(t);
            if (!t.isEmpty()) {
                ids.add(source.encode(t));
                longest = Math.max(longest, t.size());
            }
        }
        List<List<Hypothesis>> decoded = ids.isEmpty() ? List.of() : decode(ids, longest, settings);
        List<Translation> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < sentences.size(); i++) {
            if (tokens.get(i).isEmpty()) {
                out.add(new Translation(sentences.get(i), List.of(),
                        List.of(new Candidate("", List.of(), 0.0, 0.0, true, Optional.empty()))));
                continue;
            }
            List<Candidate> candidates = new ArrayList<>();
            for (Hypothesis h : decoded.get(next++)) {
                candidates.add(candidate(h));
            }
            out.add(new Translation(sentences.get(i), tokens.get(i), candidates));
        }
        return out;
    }

    private List<List<Hypothesis>> decode(List<int[]> ids, int longest, DecodeSettings settings) {
        INDArray[] sources = new PairVectorizer(LabelFormat.INDICES, bundle.vocabularies().target().size(), false)
                .sources(ids);
        int maxLength = settings.maxLength() > 0 ? settings.maxLength() : 2 * longest + 10;
        if (settings.beam() == 1) {
            return GreedyDecoding.decode(decoder, sources[0], sources[1], maxLength).stream().map(List::of).toList();
        }
        return BeamSearch.decode(decoder, sources[0], sources[1],
                new BeamSearch.Settings(settings.beam(), maxLength, settings.lengthPenalty(), settings.nBest()));
    }

    private Candidate candidate(Hypothesis h) {
        List<String> words = bundle.vocabularies().target().decode(h.tokens());
        Optional<float[][]> attention = h.attention().map(INDArray::toFloatMatrix);
        return new Candidate(targetTokenizer.detokenize(words), words, h.logProbability(), h.score(), h.finished(),
                attention);
    }

    @Override
    public String toString() {
        return "Translator(" + bundle.spec().cell() + ", attention " + bundle.spec().attention() + ", vocabularies "
                + Arrays.asList(bundle.vocabularies().source().size(), bundle.vocabularies().target().size()) + ")";
    }
}
