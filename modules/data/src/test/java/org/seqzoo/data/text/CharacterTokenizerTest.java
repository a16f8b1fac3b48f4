package org.seqzoo.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class CharacterTokenizerTest {

    private final CharacterTokenizer tokenizer = CharacterTokenizer.standard();

    @Test
    void oneTokenPerCharacterWithVisibleSpaces() {
        assertEquals(List.of("1", "2", "+", "3"), tokenizer.tokenize("12+3"));
        assertEquals(List.of("M", "a", "r", "▁", "3", ","), tokenizer.tokenize("Mar  3,"));
        assertEquals(List.of("V", "a", "▁", "!"), tokenizer.tokenize("Va\u202F!"));
    }

    @Test
    void combiningMarksAndEmojiStayWithTheirCharacter() {
        assertEquals(List.of("é", "t", "é"), tokenizer.tokenize("e\u0301te\u0301"));
        assertEquals(List.of("👍🏽"), tokenizer.tokenize("👍🏽"));
        assertEquals(List.of("𝄞", "x"), tokenizer.tokenize("𝄞x")); // outside the BMP: one token
    }

    @Test
    void detokenisesBack() {
        String text = "March 3, 2021";
        assertEquals(text, tokenizer.detokenize(tokenizer.tokenize(text)));
    }
}
