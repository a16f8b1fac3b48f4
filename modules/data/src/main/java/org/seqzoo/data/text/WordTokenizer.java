package org.seqzoo.data.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Word-level tokenisation for languages written with spaces between words (English, French and most
 * European languages), after {@link TextNormalizer normalisation}. The rules:
 * <ul>
 *   <li>Any Unicode spacing separates tokens (no-break and thin spaces included: French "Va !" is
 *       {@code [Va, !]}).</li>
 *   <li>A word is a run of letters, digits and combining marks. Inside a word, a hyphen between letters or
 *       digits stays ("peut-être", "est-ce", "well-known"), and {@code . , : /} between digits stay
 *       ("3.14", "1,000", "12:30", "03/04/2021").</li>
 *   <li>Every other character is a token of its own (punctuation, guillemets, quotes, symbols, emoji with
 *       their modifiers); a run of the same character is one token ("...", "!!"). "…" (U+2026) stays one
 *       token.</li>
 *   <li>Apostrophes ({@code '} or typographic {@code ’} between letters) stay inside the word, with two
 *       exceptions that keep vocabularies small: French elisions split after the apostrophe
 *       ({@code l' d' j' m' n' s' t' c' qu' jusqu' lorsqu' puisqu' quoiqu' presqu' quelqu'}: "l'homme" is
 *       {@code [l', homme]}, "qu'il" {@code [qu', il]}), and English clitics {@code 's 're 've 'll 'd 'm}
 *       split before it ("Tom's" is {@code [Tom, 's]}, "I'm" {@code [I, 'm]}). Negations stay whole
 *       ("don't", "can't", "isn't": one token each, as written), and so do words such as "aujourd'hui" and
 *       "o'clock". An apostrophe not between letters is punctuation.</li>
 * </ul>
 * Scripts without spaces between words (Chinese, Japanese, Thai) need the {@link CharacterTokenizer} or a
 * segmenter of your own. {@link #detokenize} joins tokens following a {@link Typography}.
 */
public final class WordTokenizer implements Tokenizer {

    private static final String[] ELISIONS = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu",
            "puisqu", "quoiqu", "presqu", "quelqu"};
    private static final String[] CLITICS = {"s", "re", "ve", "ll", "d", "m"};

    private final TextNormalizer normalizer;
    private final Typography typography;

    public WordTokenizer(TextNormalizer normalizer, Typography typography) {
        this.normalizer = normalizer;
        this.typography = typography;
    }

    /** Standard normalisation, English spacing when detokenising. */
    public static WordTokenizer standard() {
        return new WordTokenizer(TextNormalizer.standard(), Typography.ENGLISH);
    }

    public TextNormalizer normalizer() {
        return normalizer;
    }

    public Typography typography() {
        return typography;
    }

    @Override
    public List<String> tokenize(String text) {
        String s = normalizer.normalize(text);
        List<String> tokens = new ArrayList<>(s.length() / 4 + 2);
        int n = s.length();
        int i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            if (CharacterClass.isSpace(cp)) {
                i += Character.charCount(cp);
            } else if (CharacterClass.isWordChar(cp)) {
                i = addWord(s, i, tokens);
            } else {
                int end = CharacterClass.clusterEnd(s, i);
                while (end < n && s.codePointAt(end) == cp) {
                    end = CharacterClass.clusterEnd(s, end);
                }
                tokens.add(s.substring(i, end));
                i = end;
            }
        }
        return tokens;
    }

    /**
     * Adds the word starting at {@code start} (joiners such as apostrophes, hyphens and number separators
     * included), split at French elisions and English clitics; returns its end.
     */
    private static int addWord(String s, int start, List<String> tokens) {
        int n = s.length();
        int end = start;
        boolean apostrophe = false;
        while (end < n) {
            int cp = s.codePointAt(end);
            int length = Character.charCount(cp);
            if (CharacterClass.isWordChar(cp) || CharacterClass.isAttaching(cp)) {
                end += length;
            } else if (end + length < n && joins(cp, s.codePointBefore(end), s.codePointAt(end + length))) {
                apostrophe |= CharacterClass.isApostrophe(cp);
                end += length;
            } else {
                break;
            }
        }
        if (apostrophe) {
            addSplitAtApostrophes(s, start, end, tokens);
        } else {
            tokens.add(s.substring(start, end));
        }
        return end;
    }

    private static boolean joins(int cp, int before, int after) {
        if (CharacterClass.isApostrophe(cp)) {
            return CharacterClass.isWordChar(before) && Character.isLetter(after);
        }
        if (cp == '-' || cp == 0x2010) {
            return Character.isLetterOrDigit(before) && Character.isLetterOrDigit(after);
        }
        if (cp == '.' || cp == ',' || cp == ':' || cp == '/') {
            return Character.isDigit(before) && Character.isDigit(after);
        }
        return false;
    }

    /** Adds the word s[start, end), which holds an apostrophe, split at French elisions and English clitics. */
    private static void addSplitAtApostrophes(String s, int start, int end, List<String> tokens) {
        int from = start;
        int apostrophe;
        while ((apostrophe = indexOfApostrophe(s, from, end)) >= 0 && matchesAny(s, from, apostrophe, ELISIONS)) {
            tokens.add(s.substring(from, apostrophe + 1));
            from = apostrophe + 1;
        }
        int last = lastIndexOfApostrophe(s, from, end);
        if (last > from && matchesAny(s, last + 1, end, CLITICS)) {
            tokens.add(s.substring(from, last));
            tokens.add(s.substring(last, end));
        } else {
            tokens.add(s.substring(from, end));
        }
    }

    private static boolean matchesAny(String s, int from, int to, String[] candidates) {
        for (String candidate : candidates) {
            if (candidate.length() == to - from && s.regionMatches(true, from, candidate, 0, candidate.length())) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfApostrophe(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (CharacterClass.isApostrophe(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOfApostrophe(String s, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (CharacterClass.isApostrophe(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String detokenize(List<String> tokens) {
        StringBuilder out = new StringBuilder();
        String separator = "";
        boolean doubleQuoteOpen = false;
        for (String token : tokens) {
            int first = token.codePointAt(0);
            boolean opening;
            if (first == '"') {
                opening = !doubleQuoteOpen;
                doubleQuoteOpen = opening;
            } else {
                opening = isOpening(token, first);
            }
            if (!separator.isEmpty() && !opening) {
                separator = spaceBeforeClosing(token, first, separator);
            }
            out.append(separator).append(token);
            separator = opening ? (typography == Typography.FRENCH && first == '«' ? "\u00A0" : "") : " ";
        }
        return out.toString();
    }

    /**
     * Tokens after which no space follows: opening brackets and quotes, elided words ("l'", "qu'"), and in
     * English currency signs ("$10"; French writes "10 €").
     */
    private boolean isOpening(String token, int first) {
        return switch (first) {
            case '(', '[', '{', '¿', '¡', '«', '“', '‘', '„' -> true;
            default -> (token.length() > 1 && CharacterClass.isApostrophe(token.charAt(token.length() - 1)))
                    || (typography == Typography.ENGLISH && Character.getType(first) == Character.CURRENCY_SYMBOL);
        };
    }

    /** The space before a token given the default one: none before closing punctuation, French spaces. */
    private String spaceBeforeClosing(String token, int first, String separator) {
        boolean french = typography == Typography.FRENCH;
        return switch (first) {
            case '.', ',', ')', ']', '}', '%', '…', '”', '"' -> "";
            case '!', '?', ';' -> french ? "\u202F" : "";
            case ':' -> french ? "\u00A0" : "";
            case '»' -> french ? "\u00A0" : "";
            case '\'', '’' -> token.length() == 1 || Character.isLetter(token.codePointAt(1)) ? "" : separator;
            default -> separator;
        };
    }
}
