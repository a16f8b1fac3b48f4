package org.seqzoo.bench;

import java.util.Locale;

/**
 * The shapes of the benchmark's language-model step: {@code batch} sequences of {@code steps} inputs of size
 * {@code input} → one recurrent layer of {@code hidden} units with {@code G} gate blocks → softmax over
 * {@code classes}.
 *
 * <p>FLOPs count the matrix products only (2 per multiply-add): per token the forward pass costs
 * {@code 2·G·H·(nIn + H)} in the recurrent layer and {@code 2·H·V} in the output layer; a training step
 * costs three times its forward pass (the backward pass has two products per forward product).
 */
record LanguageModelShape(int batch, int steps, int input, int hidden, int classes) {

    LanguageModelShape {
        if (batch < 1 || steps < 1 || input < 1 || hidden < 1 || classes < 2) {
            throw new IllegalArgumentException("shapes must be positive (and classes >= 2), got " + this);
        }
    }

    long tokens() {
        return (long) batch * steps;
    }

    /** Matrix-product FLOPs of one forward pass for a recurrent layer with {@code gateBlocks} gates. */
    double forwardFlops(int gateBlocks) {
        return tokens() * (2.0 * gateBlocks * hidden * (input + hidden) + 2.0 * hidden * classes);
    }

    /** Matrix-product FLOPs of one training step (forward + backward). */
    double trainingFlops(int gateBlocks) {
        return 3 * forwardFlops(gateBlocks);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "batch=%d steps=%d input=%d hidden=%d classes=%d", batch, steps, input,
                hidden, classes);
    }
}
