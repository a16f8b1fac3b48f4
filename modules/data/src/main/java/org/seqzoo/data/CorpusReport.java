package org.seqzoo.data;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one pass over a corpus did with its lines: how many were read, how many became pairs, how many belong
 * to other parts of a split, and how many were skipped, by reason. {@code linesRead = pairs +
 * otherSplitParts + skippedTotal()} once the pass is over.
 *
 * @param linesRead       lines (for parallel files, line pairs) read
 * @param pairs           pairs delivered
 * @param otherSplitParts pairs that belong to another part of the split (not skipped: just elsewhere)
 * @param skipped         skipped lines by reason (only reasons with a non-zero count), in enum order
 */
public record CorpusReport(long linesRead, long pairs, long otherSplitParts, Map<SkipReason, Long> skipped) {

    public CorpusReport {
        EnumMap<SkipReason, Long> copy = new EnumMap<>(SkipReason.class);
        skipped.forEach((reason, count) -> {
            if (count > 0) {
                copy.put(reason, count);
            }
        });
        skipped = Collections.unmodifiableMap(copy);
    }

    /** Lines skipped for any reason. */
    public long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Lines skipped for this reason. */
    public long skipped(SkipReason reason) {
        return skipped.getOrDefault(reason, 0L);
    }

    /** One line: {@code 5000 lines: 4990 pairs, 0 in other split parts, 10 skipped (8 blank line, 2 no tab ...)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d lines: %d pairs, %d in other split parts, %s", linesRead, pairs,
                otherSplitParts, describeSkipped());
    }

    /** {@code none skipped} or {@code 10 skipped (8 blank line, 2 no tab between source and target)}. */
    public String describeSkipped() {
        if (skipped.isEmpty()) {
            return "none skipped";
        }
        return skippedTotal() + " skipped (" + skipped.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().description())
                .collect(Collectors.joining(", ")) + ")";
    }
}
