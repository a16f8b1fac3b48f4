package org.seqzoo.data.tasks;

import java.util.SplittableRandom;

/**
 * Addition of two non-negative integers written in decimal: {@code "123+45" -> "168"}. Each operand has
 * {@code minDigits..maxDigits} digits (the count drawn uniformly, then the value uniformly among numbers of
 * that many digits, no leading zeros), so short and long operands are equally common.
 *
 * @param minDigits fewest digits of an operand (at least 1)
 * @param maxDigits most digits of an operand (at most 18)
 */
public record AdditionTask(int minDigits, int maxDigits) implements SyntheticTask {

    public static final int DEFAULT_MIN_DIGITS = 1;
    public static final int DEFAULT_MAX_DIGITS = 3;

    public AdditionTask {
        if (minDigits < 1 || maxDigits < minDigits || maxDigits > 18) {
            throw new IllegalArgumentException("Need 1 <= min digits <= max digits <= 18, got " + minDigits + ".."
                    + maxDigits);
        }
    }

    /** Operands of 1 to 3 digits. */
    public static AdditionTask defaults() {
        return new AdditionTask(DEFAULT_MIN_DIGITS, DEFAULT_MAX_DIGITS);
    }

    @Override
    public String name() {
        return "addition";
    }

    @Override
    public TaskExample sample(SplittableRandom random) {
        long a = operand(random);
        long b = operand(random);
        return new TaskExample(a + "+" + b, Long.toString(a + b));
    }

    private long operand(SplittableRandom random) {
        int digits = random.nextInt(minDigits, maxDigits + 1);
        long low = digits == 1 ? 0 : pow10(digits - 1);
        return random.nextLong(low, pow10(digits));
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }
}
