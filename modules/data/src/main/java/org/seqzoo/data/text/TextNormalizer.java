package org.seqzoo.data.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The clean-up applied to raw text before tokenising:
 * <ol>
 *   <li>optional lower-casing ({@link Locale#ROOT}: language-neutral, so Turkish dotted/dotless i are not
 *       special-cased);</li>
 *   <li>Unicode NFC, so that "é" typed as one code point or as "e" + combining accent is one token;</li>
 *   <li>every run of Unicode spacing (tabs, line breaks, no-break U+00A0, narrow no-break U+202F, thin U+2009,
 *       zero-width U+200B, ...) becomes one ASCII space, trimmed at both ends; soft hyphens, byte-order marks
 *       and word joiners are dropped;</li>
 *   <li>optionally, a typographic apostrophe (U+2019, U+02BC) between letters becomes {@code '}, so
 *       "l’homme" and "l'homme" give the same tokens (a U+2019 used as a closing quote is left alone).</li>
 * </ol>
 * Plain ASCII text without doubled or edge spaces is returned as is (the common case costs one scan).
 *
 * @param lowercase       lower-case the text
 * @param foldApostrophes turn typographic apostrophes between letters into ASCII {@code '}
 */
public record TextNormalizer(boolean lowercase, boolean foldApostrophes) {

    /** NFC, spacing cleaned, apostrophes folded, case kept. */
    public static TextNormalizer standard() {
        return new TextNormalizer(false, true);
    }

    /** The same normaliser with lower-casing on or off. */
    public TextNormalizer withLowercase(boolean lower) {
        return new TextNormalizer(lower, foldApostrophes);
    }

    /** The normalised text; empty if the text was only spacing. */
    public String normalize(String text) {
        String cased = lowercase ? text.toLowerCase(Locale.ROOT) : text;
        if (isPlain(cased)) {
            return cased;
        }
        String composed = Normalizer.normalize(cased, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(composed.length());
        boolean pendingSpace = false;
        for (int i = 0; i < composed.length(); ) {
            int cp = composed.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (CharacterClass.isSpace(cp)) {
                pendingSpace = out.length() > 0;
            } else if (!CharacterClass.isIgnorable(cp)) {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                boolean apostrophe = foldApostrophes && cp != '\'' && CharacterClass.isApostrophe(cp)
                        && out.length() > 0 && Character.isLetter(out.codePointBefore(out.length()))
                        && next < composed.length() && Character.isLetter(composed.codePointAt(next));
                out.appendCodePoint(apostrophe ? '\'' : cp);
            }
            i = next;
        }
        return out.toString();
    }

    /** Printable ASCII with single inner spaces only: already normal. */
    private static boolean isPlain(String text) {
        int n = text.length();
        if (n == 0) {
            return true;
        }
        if (text.charAt(0) == ' ' || text.charAt(n - 1) == ' ') {
            return false;
        }
        char previous = 'x';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c > 0x7E || c < 0x20 || (c == ' ' && previous == ' ')) {
                return false;
            }
            previous = c;
        }
        return true;
    }
}
