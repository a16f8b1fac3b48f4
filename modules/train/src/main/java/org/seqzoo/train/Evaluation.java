package org.seqzoo.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.seqzoo.data.text.Tokenizer;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.models.seq2seq.GreedyDecoding;
import org.seqzoo.models.seq2seq.Hypothesis;
import org.seqzoo.models.seq2seq.Seq2SeqDecoder;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.metrics.BleuScore;
import org.seqzoo.train.metrics.DecodedMetrics;
import org.seqzoo.train.metrics.TeacherForcedMetrics;

/**
 * Measures a model on a corpus of batches: teacher-forced loss (mean negative log-likelihood per real target
 * token), perplexity and token accuracy over every batch, and — on the first {@code decodeLimit} pairs —
 * greedy-decoded exact match, token accuracy and corpus BLEU-4 (sacrebleu's, on detokenised text), also by
 * source length. References are the target ids of the batches turned back into text, so a target token outside
 * the vocabulary counts as {@code <unk>}.
 */
public final class Evaluation {

    /** Source-length buckets of the report table. */
    static final int[] LENGTH_BUCKETS = {5, 10, 15, 20, 30, 40, Integer.MAX_VALUE};

    /** A decoded example, for display. */
    public record Sample(String source, String reference, String hypothesis) {
    }

    /**
     * What an evaluation measured.
     *
     * @param loss          mean negative log-likelihood per target token (teacher forcing)
     * @param decoded       number of pairs decoded for exact match and BLEU
     * @param buckets       the decoded metrics by source length
     * @param lengthTable   the same as a text table
     */
    public record Report(double loss, double perplexity, double tokenAccuracy, long tokens, double exactMatch,
                         double decodedTokenAccuracy, BleuScore bleu, long decoded,
                         List<DecodedMetrics.Bucket> buckets, String lengthTable, List<Sample> samples) {

        /** The metric values by name, as logged and used for early stopping. */
        public Map<String, Double> values() {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", loss);
            values.put("perplexity", perplexity);
            values.put("token_accuracy", tokenAccuracy);
            if (decoded > 0) {
                values.put("exact_match", exactMatch);
                values.put("bleu", bleu.score());
            }
            return values;
        }
    }

    private Evaluation() {
    }

    /**
     * Evaluates {@code graph} on {@code batches} (reset first).
     *
     * @param decodeLimit pairs to decode for exact match and BLEU (0 for none)
     * @param samples     decoded examples to keep for display
     */
    public static Report run(ComputationGraph graph, Seq2SeqSpec spec, Vocabularies vocabularies,
                             Tokenizer sourceTokenizer, Tokenizer targetTokenizer, MultiDataSetIterator batches,
                             int decodeLimit, int samples) {
        TeacherForcedMetrics forced = new TeacherForcedMetrics();
        DecodedMetrics decodedMetrics = new DecodedMetrics(LENGTH_BUCKETS);
        List<Sample> kept = new ArrayList<>();
        Seq2SeqDecoder decoder = new Seq2SeqDecoder(graph, spec);
        batches.reset();
        while (batches.hasNext()) {
            MultiDataSet batch = batches.next();
            INDArray probabilities = graph.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays(),
                    batch.getLabelsMaskArrays())[0];
            forced.add(probabilities, batch.getLabels(0), batch.getLabelsMaskArray(0));
            if (decodedMetrics.count() < decodeLimit) {
                decodeBatch(decoder, vocabularies, sourceTokenizer, targetTokenizer, batch,
                        (int) (decodeLimit - decodedMetrics.count()), decodedMetrics, kept, samples);
            }
        }
        long decoded = decodedMetrics.count();
        return new Report(forced.meanNegativeLogLikelihood(), forced.perplexity(), forced.tokenAccuracy(),
                forced.tokens(), decoded > 0 ? decodedMetrics.exactMatch() : Double.NaN,
                decoded > 0 ? decodedMetrics.tokenAccuracy() : Double.NaN, decoded > 0 ? decodedMetrics.bleu() : null,
                decoded, decoded > 0 ? decodedMetrics.buckets() : List.of(), decoded > 0 ? decodedMetrics.table() : "",
                kept);
    }

    private static void decodeBatch(Seq2SeqDecoder decoder, Vocabularies vocabularies, Tokenizer sourceTokenizer,
                                    Tokenizer targetTokenizer, MultiDataSet batch, int limit, DecodedMetrics metrics,
                                    List<Sample> kept, int samples) {
        INDArray sourceIds = batch.getFeatures(0);
        INDArray sourceMask = batch.getFeaturesMaskArray(0);
        INDArray targetIds = batch.getFeatures(1);
        INDArray targetMask = batch.getFeaturesMaskArray(1);
        int maxLength = (int) targetIds.size(2) * 2 + 10;
        List<Hypothesis> hypotheses = GreedyDecoding.decode(decoder, sourceIds, sourceMask, maxLength);
        for (int b = 0; b < hypotheses.size() && b < limit; b++) {
            int sourceLength = (int) sourceMask.getRow(b).sumNumber().doubleValue();
            int targetLength = (int) targetMask.getRow(b).sumNumber().doubleValue() - 1;   // without <s>
            int[] source = ids(sourceIds, b, 0, sourceLength);
            int[] reference = ids(targetIds, b, 1, targetLength);
            List<String> sourceTokens = vocabularies.source().decode(source);
            List<String> referenceTokens = vocabularies.target().decode(reference);
            List<String> hypothesisTokens = vocabularies.target().decode(hypotheses.get(b).tokens());
            String referenceText = targetTokenizer.detokenize(referenceTokens);
            String hypothesisText = targetTokenizer.detokenize(hypothesisTokens);
            metrics.add(sourceLength, hypothesisTokens, referenceTokens, hypothesisText, referenceText);
            if (kept.size() < samples) {
                kept.add(new Sample(sourceTokenizer.detokenize(sourceTokens), referenceText, hypothesisText));
            }
        }
    }

    /** Ids {@code [from, from + length)} of row {@code b} of a {@code [B, 1, T]} id array. */
    private static int[] ids(INDArray ids, int b, int from, int length) {
        int[] out = new int[length];
        for (int t = 0; t < length; t++) {
            out[t] = ids.getInt(b, 0, from + t);
        }
        return out;
    }
}
