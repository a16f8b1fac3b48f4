package org.seqzoo.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    private final TextNormalizer standard = TextNormalizer.standard();

    @Test
    void plainAsciiIsReturnedAsIs() {
        String text = "It's a plain sentence.";
        assertSame(text, standard.normalize(text));
    }

    @Test
    void composesToNfc() {
        String decomposed = "Cafe\u0301 de\u0301ja\u0300"; // e + combining acute, a + combining grave
        assertEquals("Café déjà", standard.normalize(decomposed));
        assertEquals(standard.normalize("Café déjà"), standard.normalize(decomposed));
    }

    @Test
    void unicodeSpacingBecomesOneAsciiSpace() {
        // narrow no-break space (Tatoeba's French "Cours !"), thin space, no-break space, tab, zero-width space
        assertEquals("Cours !", standard.normalize("Cours\u202F!"));
        assertEquals("Recule !", standard.normalize("Recule\u2009!"));
        assertEquals("« Regarde. »", standard.normalize("«\u00A0Regarde.\u00A0»"));
        assertEquals("a b c", standard.normalize("\t a \u3000\u200B b\nc \u2028"));
        assertEquals("", standard.normalize(" \u00A0\u202F "));
    }

    @Test
    void dropsInvisibleCharacters() {
        assertEquals("ordinateur", standard.normalize("\uFEFFordi\u00ADnateur"));
    }

    @Test
    void foldsTypographicApostrophesBetweenLettersOnly() {
        assertEquals("Je l'ai vu.", standard.normalize("Je l’ai vu."));
        assertEquals("C'est", standard.normalize("C\u02BCest"));
        assertEquals("‘quoted’", standard.normalize("‘quoted’")); // a closing quote stays
        assertEquals("Je l’ai vu.", new TextNormalizer(false, false).normalize("Je l’ai vu."));
    }

    @Test
    void lowercasesWhenAsked() {
        assertEquals("élève à paris", standard.withLowercase(true).normalize("ÉLÈVE À Paris"));
    }
}
