package org.seqzoo.data.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Counts of sequence lengths (tokens per side), with summary statistics and a text rendering for the
 * command line. Memory grows with the longest length, not with the number of sequences.
 */
public final class LengthHistogram {

    private long[] counts = new long[32];
    private long total;
    private long sum;
    private int max;

    public void add(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("Negative length " + length);
        }
        if (length >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(length + 1, counts.length * 2));
        }
        counts[length]++;
        total++;
        sum += length;
        max = Math.max(max, length);
    }

    /** Number of sequences counted. */
    public long total() {
        return total;
    }

    /** Sum of all lengths (tokens counted). */
    public long sum() {
        return sum;
    }

    public double mean() {
        return total == 0 ? Double.NaN : (double) sum / total;
    }

    /** Longest length counted (0 if none). */
    public int max() {
        return max;
    }

    /** Sequences of exactly this length. */
    public long count(int length) {
        return length < counts.length ? counts[length] : 0;
    }

    /** The smallest length such that at least {@code fraction} of the sequences are no longer (0 if none). */
    public int percentile(double fraction) {
        long needed = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int length = 0; length <= max; length++) {
            seen += counts[length];
            if (seen >= needed && seen > 0) {
                return length;
            }
        }
        return max;
    }

    /**
     * Text rows {@code "  3-4  | ########        1234  12.3%"}, lengths grouped into bins of equal width so that
     * there are at most {@code maxRows} rows, empty bins at the ends left out.
     */
    public List<String> render(int maxRows, int barWidth) {
        List<String> rows = new ArrayList<>();
        if (total == 0) {
            return rows;
        }
        int min = 0;
        while (counts[min] == 0) {
            min++;
        }
        int width = Math.max(1, (max - min + maxRows) / maxRows);
        long largest = 0;
        for (int start = min; start <= max; start += width) {
            largest = Math.max(largest, binCount(start, width));
        }
        for (int start = min; start <= max; start += width) {
            long count = binCount(start, width);
            int end = Math.min(start + width - 1, max);
            String label = width == 1 ? Integer.toString(start) : start + "-" + end;
            int bar = (int) Math.round((double) count / largest * barWidth);
            rows.add(String.format(Locale.ROOT, "%7s | %-" + barWidth + "s %9d %5.1f%%", label,
                    "#".repeat(bar), count, 100.0 * count / total));
        }
        return rows;
    }

    private long binCount(int start, int width) {
        long count = 0;
        for (int length = start; length < start + width && length <= max; length++) {
            count += counts[length];
        }
        return count;
    }
}
