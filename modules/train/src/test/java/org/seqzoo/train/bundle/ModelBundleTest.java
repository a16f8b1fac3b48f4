package org.seqzoo.train.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.Vocabulary;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.text.TokenizerChoice;

/** A bundle restores exactly what was saved; broken or mismatched bundles fail with a message naming the file. */
class ModelBundleTest {

    private static ModelBundle bundle(int sourceWords, int targetWords) {
        Vocabularies vocabularies = new Vocabularies(words("s", sourceWords), words("t", targetWords));
        Seq2SeqSpec spec = Seq2SeqSpec.builder().vocabularies(vocabularies.source().size(), vocabularies.target().size())
                .embeddingSize(4).hiddenSize(6).attention(Seq2SeqSpec.Attention.LUONG_GENERAL).build();
        return new ModelBundle(spec, Seq2SeqGraphs.graph(spec), vocabularies,
                new TextSettings(TokenizerChoice.WORDS, TokenizerChoice.WORDS_FR, true));
    }

    private static Vocabulary words(String prefix, int n) {
        java.util.List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            tokens.add(prefix + i + (i % 3 == 0 ? "é«»" : ""));
        }
        return Vocabulary.of(tokens);
    }

    @Test
    void roundTrip(@TempDir Path dir) {
        ModelBundle original = bundle(7, 9);
        Path file = dir.resolve("model.zip");
        original.save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertEquals(original.spec(), loaded.spec());
        assertEquals(original.vocabularies(), loaded.vocabularies());
        assertEquals(original.text(), loaded.text());
        assertEquals(original.graph().params(), loaded.graph().params());
        assertEquals(original.graph().getConfiguration(), loaded.graph().getConfiguration());
    }

    @Test
    void notABundle(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.zip");
        Files.writeString(text, "hello");
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(text));
        assertTrue(e.getMessage().startsWith(text.toString()) && e.getMessage().contains("not a seqzoo model bundle"),
                e.getMessage());

        Path otherZip = dir.resolve("other.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(otherZip))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("x".getBytes());
        }
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.load(otherZip)).getMessage()
                .contains("not a seqzoo model bundle"));

        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.load(dir.resolve("absent.zip"))).getMessage()
                .contains("no such file"));
    }

    @Test
    void vocabulariesThatDoNotMatchTheGraphAreRefused(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.zip");
        bundle(7, 9).save(good);
        Path bad = dir.resolve("bad.zip");
        // Replace the target vocabulary with a shorter one: the output layer no longer matches.
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(good));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bad))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals(ModelBundle.TARGET_VOCAB)) {
                    words("t", 5).write(out);
                } else {
                    in.transferTo(out);
                }
            }
        }
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(bad));
        assertTrue(e.getMessage().contains("vocabularies do not match") && e.getMessage().contains("target vocabulary"),
                e.getMessage());
    }

    @Test
    void missingEntryIsNamed(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.zip");
        bundle(3, 3).save(good);
        Path partial = dir.resolve("partial.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(good));
             OutputStream raw = Files.newOutputStream(partial);
             ZipOutputStream out = new ZipOutputStream(raw)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.getName().equals(ModelBundle.GRAPH)) {
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    in.transferTo(out);
                }
            }
        }
        assertTrue(assertThrows(BundleException.class, () -> ModelBundle.load(partial)).getMessage()
                .contains("missing entry 'graph.zip'"));
    }
}
