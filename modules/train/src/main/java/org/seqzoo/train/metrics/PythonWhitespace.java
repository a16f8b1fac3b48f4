package org.seqzoo.train.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Whitespace as Python's {@code str.split()} and {@code str.rstrip()} see it (what sacrebleu uses), which is
 * wider than {@link Character#isWhitespace}: it includes the no-break spaces U+00A0, U+2007 and U+202F
 * (common in French text: {@code « oui »}, {@code chaud !}) and NEL U+0085.
 */
final class PythonWhitespace {

    private PythonWhitespace() {
    }

    /** Python's {@code str.isspace()} for one code point: Unicode space separators, line/paragraph separators, controls 9-13 and 28-31, NEL. */
    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    /** {@code text.split()}: the non-empty runs between whitespace. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (isSpace(codePoint)) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(codePoint);
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    /** {@code text.rstrip()}: without trailing whitespace. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0) {
            int codePoint = text.codePointBefore(end);
            if (!isSpace(codePoint)) {
                break;
            }
            end -= Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
