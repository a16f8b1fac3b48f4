package org.seqzoo.data.text;

/**
 * The character classes that normalisation, tokenisation and vocabulary files agree on, by code point.
 * Spacing is wider than {@link Character#isWhitespace}: it includes the no-break spaces French typography
 * puts before {@code !?:;} and inside guillemets (U+00A0, narrow U+202F, thin U+2009) and the zero-width
 * space.
 */
public final class CharacterClass {

    /** ASCII letters and digits, looked up without Character's Unicode tables (the hot path of tokenising). */
    private static final boolean[] ASCII_WORD = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII_WORD[c] = Character.isLetterOrDigit(c);
        }
    }

    private CharacterClass() {
    }

    /** Any Unicode space, tab, line break, or zero-width space. */
    public static boolean isSpace(int cp) {
        return cp == ' ' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x200B || cp == 0x0085;
    }

    /** Invisible characters dropped by normalisation: soft hyphen, byte-order mark / ZWNBSP, word joiner. */
    static boolean isIgnorable(int cp) {
        return cp == 0x00AD || cp == 0xFEFF || cp == 0x2060;
    }

    /** Letters, digits and combining marks: what words are made of. */
    static boolean isWordChar(int cp) {
        return cp < 128 ? ASCII_WORD[cp] : Character.isLetterOrDigit(cp) || isMark(cp);
    }

    /**
     * Code points that belong to the code point before them: combining marks (accents, variation selectors),
     * emoji skin-tone modifiers, and zero-width (non-)joiners.
     */
    static boolean isAttaching(int cp) {
        return cp >= 0x300 && isMark(cp) || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x200C || cp == 0x200D;
    }

    /** ASCII apostrophe, right single quotation mark U+2019 (the typographic apostrophe), modifier letter U+02BC. */
    static boolean isApostrophe(int cp) {
        return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** End of the grapheme-like cluster starting at {@code start}: the code point plus those attaching to it. */
    static int clusterEnd(String text, int start) {
        int i = start + Character.charCount(text.codePointAt(start));
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!isAttaching(cp)) {
                break;
            }
            i += Character.charCount(cp);
            if (cp == 0x200D && i < text.length()) {
                i += Character.charCount(text.codePointAt(i)); // a ZWJ joins the next code point (emoji sequences)
            }
        }
        return i;
    }
}
