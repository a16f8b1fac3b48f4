package org.seqzoo.data.text;

/**
 * Spacing conventions for detokenised text.
 * <ul>
 *   <li>{@link #ENGLISH}: no space before {@code . , ; : ! ? ) »}, none after {@code ( «} and currency
 *       signs ({@code $10}). The default for languages without special rules.</li>
 *   <li>{@link #FRENCH}: as English for {@code . , )}, but a narrow no-break space (U+202F) before
 *       {@code ! ? ;}, a no-break space (U+00A0) before {@code :} and inside guillemets {@code « »}, as
 *       French typography (and Tatoeba's French sentences) write them.</li>
 * </ul>
 */
public enum Typography {
    ENGLISH,
    FRENCH
}
