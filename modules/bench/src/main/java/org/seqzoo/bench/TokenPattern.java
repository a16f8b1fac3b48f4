package org.seqzoo.bench;

/** The benchmark's target tokens: a fixed, evenly spread pattern, the same for every framework. */
final class TokenPattern {

    private TokenPattern() {
    }

    /** The class of sequence {@code b} at step {@code t}. */
    static int label(int b, int t, int classes) {
        return (b * 31 + t * 7) % classes;
    }
}
