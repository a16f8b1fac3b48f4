package org.seqzoo.examples;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.seqzoo.data.corpus.PairCorpus;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.text.CharacterTokenizer;
import org.seqzoo.data.text.TextNormalizer;
import org.seqzoo.data.text.Tokenizer;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.VocabularyLimits;
import org.seqzoo.data.batch.Seq2SeqBatchIterator;
import org.seqzoo.models.seq2seq.GreedyDecoding;
import org.seqzoo.models.seq2seq.Hypothesis;
import org.seqzoo.models.seq2seq.Seq2SeqDecoder;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;

/**
 * The builders in your own DL4J project, without seqzoo's trainer: {@code seqzoo-data} turns a pair corpus
 * into batches, {@code seqzoo-models} builds an ordinary {@code ComputationGraph}, and plain DL4J does the rest
 * ({@code fit} with a DL4J listener, {@code ModelSerializer}). Learns to copy strings, then decodes.
 * Run: {@code ./seqzoo example builders}.
 */
public final class BuildersInYourOwnProject {

    private BuildersInYourOwnProject() {
    }

    public static void main(String[] args) {
        // 1. Data: a TSV pair corpus, character tokens, vocabularies from one pass, masked batches.
        Tokenizer chars = new CharacterTokenizer(TextNormalizer.standard());
        Path corpus = Path.of(System.getProperty("seqzoo.home", ".")).resolve("datasets/copy/train.tsv");
        PairPipeline pipeline = PairPipeline.builder(PairCorpus.tsv(corpus)).tokenizer(chars).build();
        Vocabularies vocabularies = Vocabularies.build(pipeline, VocabularyLimits.NONE, true);
        Seq2SeqBatchIterator batches = Seq2SeqBatchIterator.builder(pipeline, vocabularies).batchSize(32)
                .shuffleBuffer(1000).seed(1).build();

        // 2. Model: any combination the spec accepts; the result is a plain DL4J ComputationGraph.
        Seq2SeqSpec spec = Seq2SeqSpec.builder().vocabularies(vocabularies.source().size(),
                vocabularies.target().size()).cell(Seq2SeqSpec.Cell.LSTM).attention(Seq2SeqSpec.Attention.LUONG_DOT)
                .sharedEmbeddings(true).embeddingSize(16).hiddenSize(64).learningRate(1e-2).build();
        ComputationGraph graph = Seq2SeqGraphs.graph(spec);
        graph.setListeners(new ScoreIterationListener(50));
        graph.fit(batches, 4);

        // 3. DL4J's own serialisation works, custom vertices included.
        try {
            File file = Files.createTempFile("seqzoo-copy", ".zip").toFile();
            ModelSerializer.writeModel(graph, file, true);
            graph = ModelSerializer.restoreComputationGraph(file, true);
            System.out.println("saved and restored " + file + " (" + file.length() / 1024 + " KiB)");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }

        // 4. Decoding, step by step with the state kept between steps.
        batches.reset();
        MultiDataSet batch = batches.next();
        List<Hypothesis> outputs = GreedyDecoding.decode(new Seq2SeqDecoder(graph, spec), batch.getFeatures(0),
                batch.getFeaturesMaskArray(0), 20);
        for (int i = 0; i < 5; i++) {
            int length = (int) batch.getFeaturesMaskArray(0).getRow(i).sumNumber().intValue();
            int[] source = new int[length];
            for (int t = 0; t < length; t++) {
                source[t] = batch.getFeatures(0).getInt(i, 0, t);
            }
            System.out.printf("  %s -> %s%n", chars.detokenize(vocabularies.source().decode(source)),
                    chars.detokenize(vocabularies.target().decode(outputs.get(i).tokens())));
        }
        batches.close();
    }
}
