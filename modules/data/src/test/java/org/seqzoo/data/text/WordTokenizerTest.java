package org.seqzoo.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Cases from the Tatoeba English-French pairs (tatoeba.org, CC-BY 2.0 FR). */
class WordTokenizerTest {

    private final WordTokenizer english = WordTokenizer.standard();
    private final WordTokenizer french = new WordTokenizer(TextNormalizer.standard(), Typography.FRENCH);

    private void check(String text, String... tokens) {
        assertEquals(List.of(tokens), english.tokenize(text), text);
    }

    @Test
    void splitsPunctuationFromWords() {
        check("Go.", "Go", ".");
        check("\"Look,\" she said.", "\"", "Look", ",", "\"", "she", "said", ".");
        check("Wait a minute...", "Wait", "a", "minute", "...");
        check("Un instant…", "Un", "instant", "…");
        check("Really?!", "Really", "?", "!");
        check("(yes)", "(", "yes", ")");
    }

    @Test
    void frenchSpacingAndGuillemets() {
        check("Cours\u202F!", "Cours", "!");
        check("Recule\u2009!", "Recule", "!");
        check("Elle a dit\u00A0: «\u00A0Regarde.\u00A0»", "Elle", "a", "dit", ":", "«", "Regarde", ".", "»");
        check("Ça alors !", "Ça", "alors", "!");
    }

    @Test
    void frenchElisionsSplitAfterTheApostrophe() {
        check("Qu'est-ce qu'on s'est marrés !", "Qu'", "est-ce", "qu'", "on", "s'", "est", "marrés", "!");
        check("Je l’ai vu.", "Je", "l'", "ai", "vu", ".");
        check("Dis : « s'il te plaît ».", "Dis", ":", "«", "s'", "il", "te", "plaît", "»", ".");
        check("J'attendrai jusqu'à demain.", "J'", "attendrai", "jusqu'", "à", "demain", ".");
        check("Nous sommes rencontrés aujourd'hui.", "Nous", "sommes", "rencontrés", "aujourd'hui", ".");
        check("L'homme d'affaires", "L'", "homme", "d'", "affaires");
    }

    @Test
    void englishCliticsSplitNegationsStay() {
        check("Tom's fat.", "Tom", "'s", "fat", ".");
        check("I'm OK.", "I", "'m", "OK", ".");
        check("You can't say no.", "You", "can't", "say", "no", ".");
        check("We'll see, they've gone, I'd go, you're right.", "We", "'ll", "see", ",", "they", "'ve", "gone",
                ",", "I", "'d", "go", ",", "you", "'re", "right", ".");
        check("It's five o'clock.", "It", "'s", "five", "o'clock", ".");
        check("the boys' toys", "the", "boys", "'", "toys");
    }

    @Test
    void numbersHyphensAndSymbols() {
        check("I owe him 50,000 yen.", "I", "owe", "him", "50,000", "yen", ".");
        check("It only costs $10.00!", "It", "only", "costs", "$", "10.00", "!");
        check("at 10.30 on 03/04/2021", "at", "10.30", "on", "03/04/2021");
        check("Essaie-le !", "Essaie-le", "!");
        check("a well-known e-mail - done", "a", "well-known", "e-mail", "-", "done");
        check("50% off", "50", "%", "off");
    }

    @Test
    void unicodeWordsAndEmoji() {
        check("Łódź naïve Straße", "Łódź", "naïve", "Straße");
        check("Cafe\u0301!", "Café", "!"); // composed by NFC first
        check("ok 👍🏽 👨‍👩‍👧!", "ok", "👍🏽", "👨‍👩‍👧", "!");
        check("Привет, мир!", "Привет", ",", "мир", "!");
    }

    @Test
    void blankTextHasNoTokens() {
        assertEquals(List.of(), english.tokenize(" \u00A0\t"));
    }

    @Test
    void detokenisesEnglish() {
        assertEquals("\"Look,\" she said.", english.detokenize(english.tokenize("\"Look,\" she said.")));
        assertEquals("Tom's fat, isn't he?", english.detokenize(english.tokenize("Tom's fat, isn't he?")));
        assertEquals("It costs $10.00 (really)!", english.detokenize(english.tokenize("It costs $10.00 (really)!")));
        assertEquals("Wait a minute...", english.detokenize(english.tokenize("Wait a minute...")));
    }

    @Test
    void detokenisesFrenchWithFrenchSpacing() {
        assertEquals("Qu'est-ce qu'on s'est marrés\u202F!",
                french.detokenize(french.tokenize("Qu'est-ce qu'on s'est marrés !")));
        assertEquals("Elle a dit\u00A0: «\u00A0Regarde.\u00A0»",
                french.detokenize(french.tokenize("Elle a dit : « Regarde. »")));
        assertEquals("Je l'ai vu, d'accord\u202F?", french.detokenize(french.tokenize("Je l’ai vu, d’accord ?")));
    }
}
