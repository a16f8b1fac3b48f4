package org.seqzoo.data.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.data.DataFileException;

class VocabularyTest {

    @TempDir
    Path dir;

    @Test
    void specialsComeFirstAndUnknownsMapToUnk() {
        Vocabulary vocabulary = Vocabulary.of(List.of("le", "chat"));
        assertEquals(List.of("<pad>", "<unk>", "<s>", "</s>", "le", "chat"), vocabulary.tokens());
        assertEquals(0, vocabulary.id("<pad>"));
        assertEquals(3, vocabulary.id("</s>"));
        assertArrayEquals(new int[] {4, 5, Vocabulary.UNK_ID}, vocabulary.encode(List.of("le", "chat", "chien")));
        assertEquals(List.of("le", "<unk>"), vocabulary.decode(new int[] {2, 4, 1, 3, 5, 0}));
        assertThrows(IndexOutOfBoundsException.class, () -> vocabulary.token(6));
    }

    @Test
    void countsGiveFrequencyThenTokenOrderWithLimits() {
        TokenCounts counts = new TokenCounts();
        counts.addAll(List.of("b", "a", "c", "a", "b", "d", "a", "<unk>"));
        assertEquals(8, counts.total());
        assertEquals(5, counts.distinct());
        Vocabulary all = counts.toVocabulary(VocabularyLimits.NONE);
        assertEquals(List.of("a", "b", "c", "d"), all.tokens().subList(4, all.size()));
        assertEquals(List.of("a", "b"), counts.toVocabulary(new VocabularyLimits(2, 100)).tokens().subList(4, 6));
        Vocabulary capped = counts.toVocabulary(new VocabularyLimits(1, 5));
        assertEquals(5, capped.size());
        assertEquals("a", capped.token(4));
        assertEquals(3, counts.covered(capped)); // the three a's; "<unk>" as text maps to <unk>
    }

    @Test
    void sharedAndSeparateVocabularies() {
        TokenCounts source = new TokenCounts();
        source.addAll(List.of("one", "two"));
        TokenCounts target = new TokenCounts();
        target.addAll(List.of("un", "deux", "deux"));
        Vocabularies separate = Vocabularies.fromCounts(source, target, VocabularyLimits.NONE, false);
        assertFalse(separate.shared());
        assertFalse(separate.source().contains("un"));
        Vocabularies shared = Vocabularies.fromCounts(source, target, VocabularyLimits.NONE, true);
        assertTrue(shared.shared());
        assertEquals(List.of("deux", "one", "two", "un"), shared.source().tokens().subList(4, 8));
    }

    @Test
    void saveAndLoadRoundTripExactly() {
        List<String> unusual = List.of("é", "e\u0301", "😀", "👨‍👩‍👧", "zero\u200Dwidth\u200Cjoiners", "«", "l'", "▁", "<S>", "\uFEFF",
                "שלום", "x\u0000y", "\\n");
        Vocabulary vocabulary = Vocabulary.of(unusual);
        Path file = dir.resolve("sub/vocab.txt");
        vocabulary.save(file);
        Vocabulary loaded = Vocabulary.load(file);
        assertEquals(vocabulary, loaded);
        assertEquals(vocabulary.tokens(), loaded.tokens());
        assertEquals(vocabulary.id("e\u0301"), loaded.id("e\u0301"));
    }

    @Test
    void tokensThatCannotBeSavedAreRejectedWhenMade() {
        for (String bad : List.of("", "a b", "tab\there", "new\nline", "nbsp\u00A0", "cr\r")) {
            assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of(bad)), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("x", "x")));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("<s>")));
    }

    private DataFileException loadFailure(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.vocab"), content, StandardCharsets.UTF_8);
        return assertThrows(DataFileException.class, () -> Vocabulary.load(file));
    }

    @Test
    void loadingValidatesEveryLine() throws IOException {
        assertTrue(loadFailure("<pad>\n<unk>\n<s>\n</s>\na\nb\na\n").getMessage()
                .endsWith("bad.vocab:7: token 'a' already on line 5"));
        assertTrue(loadFailure("<pad>\n<s>\n<unk>\n</s>\n").getMessage()
                .contains("bad.vocab:2: expected the special token <unk>"));
        assertTrue(loadFailure("<pad>\n<unk>\n<s>\n</s>\na\n\nb\n").getMessage()
                .endsWith("bad.vocab:6: token '': empty token"));
        assertTrue(loadFailure("<pad>\n<unk>\n<s>\n</s>\na b\n").getMessage()
                .contains("bad.vocab:5: token 'a b': contains whitespace (U+0020)"));
        assertTrue(loadFailure("<pad>\n<unk>\n").getMessage().contains("bad.vocab: holds 2 lines"));
        Path latin1 = Files.write(dir.resolve("latin1.vocab"), "<pad>\n<unk>\n<s>\n</s>\ncaf\u00E9\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(DataFileException.class, () -> Vocabulary.load(latin1)).getMessage()
                .contains("latin1.vocab:5: invalid UTF-8"));
        assertTrue(assertThrows(DataFileException.class, () -> Vocabulary.load(dir.resolve("missing.vocab")))
                .getMessage().endsWith("missing.vocab: no such file"));
    }
}
