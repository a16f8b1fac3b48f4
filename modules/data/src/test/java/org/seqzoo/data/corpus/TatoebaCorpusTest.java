package org.seqzoo.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.seqzoo.data.CorpusReport;
import org.seqzoo.data.MalformedLinePolicy;
import org.seqzoo.data.SharedData;
import org.seqzoo.data.pipeline.PairPipeline;
import org.seqzoo.data.pipeline.TokenPair;
import org.seqzoo.data.text.TextNormalizer;
import org.seqzoo.data.text.Typography;
import org.seqzoo.data.text.WordTokenizer;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.VocabularyLimits;

/** The shared real corpora (Tatoeba English-French, CC-BY 2.0 FR) through the whole reading path. */
class TatoebaCorpusTest {

    @Test
    void fiveThousandPairsWithAttributionColumn() {
        PairRecordReader reader = PairCorpus.tsv(SharedData.dataset("tatoeba-eng-fra-5k.tsv"))
                .open(MalformedLinePolicy.FAIL);
        TextPair first = reader.nextPair();
        assertEquals("Go.", first.source());
        assertEquals("Va !", first.target());
        int pairs = 1;
        while (reader.hasNext()) {
            TextPair pair = reader.nextPair();
            assertTrue(!pair.target().contains("Attribution"), pair.toString());
            pairs++;
        }
        assertEquals(5000, pairs);
        assertEquals(0, reader.report().skippedTotal());
    }

    @Test
    void seventySixThousandPairsStreamThroughThePipeline() {
        Path file = SharedData.dataset("tatoeba-eng-fra-76k.tsv");
        PairPipeline pipeline = PairPipeline.builder(PairCorpus.tsv(file))
                .targetTokenizer(new WordTokenizer(TextNormalizer.standard(), Typography.FRENCH)).build();
        long tokens = 0;
        long frenchSpacedPunctuation = 0;
        try (PairPipeline.Pass pass = pipeline.open()) {
            while (pass.hasNext()) {
                TokenPair pair = pass.next();
                tokens += pair.source().size() + pair.target().size();
                for (String mark : new String[] {"!", "?"}) {
                    if (pair.text().target().contains("\u202F" + mark)) { // narrow no-break space before ! ?
                        frenchSpacedPunctuation++;
                        assertTrue(pair.target().contains(mark), pair.text().target());
                    }
                }
                for (String token : pair.target()) {
                    assertTrue(token.indexOf('\u202F') < 0 && token.indexOf('\u00A0') < 0, token);
                }
            }
            CorpusReport report = pass.report();
            assertEquals(76_037, report.pairs());
            assertEquals(76_037, report.linesRead());
        }
        assertTrue(frenchSpacedPunctuation > 3000, "French ! ? " + frenchSpacedPunctuation);
        assertTrue(tokens > 800_000, "tokens " + tokens);
        Vocabularies vocabularies = Vocabularies.build(pipeline, new VocabularyLimits(2, 30_000), false);
        assertTrue(vocabularies.source().size() > 4000 && vocabularies.target().size() > 6000,
                vocabularies.source().size() + " / " + vocabularies.target().size());
    }
}
