package org.seqzoo.data.tasks;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Date normalisation: a date written in one of many human formats (English month and day names, fixed
 * {@link Locale#ENGLISH}) to ISO 8601 {@code YYYY-MM-DD}. The date is uniform in {@code [from, to]}; the
 * format uniform among {@link #FORMATS}:
 * <pre>
 * 3 March 2021    March 3, 2021    03/03/2021    3/3/21     3.3.21          03.03.2021
 * Wed, Mar 3 2021     Wednesday, March 3, 2021   3 Mar 2021 Mar 3, 2021     3-Mar-2021
 * 2021/03/03      20210303         March 3rd, 2021          3rd of March 2021
 * </pre>
 * Unambiguous by construction: slashes are month first (US), dots day first (European), and two-digit years
 * stand for 1950-2049 (those formats are used only for dates in that range). Every source parses back, with
 * its format, to the target.
 *
 * @param from earliest date
 * @param to   latest date
 */
public record DateTask(LocalDate from, LocalDate to) implements SyntheticTask {

    /** Two-digit years are read in [1950, 2049]. */
    public static final int TWO_DIGIT_YEAR_BASE = 1950;

    /** Formats with a four-digit year. */
    private static final List<DateTimeFormatter> FULL_YEAR_FORMATS = List.of(
            pattern("d MMMM uuuu"),
            pattern("MMMM d, uuuu"),
            pattern("MM/dd/uuuu"),
            pattern("dd.MM.uuuu"),
            pattern("EEE, MMM d uuuu"),
            pattern("EEEE, MMMM d, uuuu"),
            pattern("d MMM uuuu"),
            pattern("MMM d, uuuu"),
            pattern("d-MMM-uuuu"),
            pattern("uuuu/MM/dd"),
            pattern("uuuuMMdd"),
            strict(new DateTimeFormatterBuilder().appendPattern("MMMM ")
                    .appendText(ChronoField.DAY_OF_MONTH, ordinals()).appendPattern(", uuuu")),
            strict(new DateTimeFormatterBuilder().appendText(ChronoField.DAY_OF_MONTH, ordinals())
                    .appendPattern(" 'of' MMMM uuuu")));

    /** Formats with a two-digit year, read in [1950, 2049]. */
    private static final List<DateTimeFormatter> SHORT_YEAR_FORMATS = List.of(
            strict(new DateTimeFormatterBuilder().appendPattern("M/d/")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, TWO_DIGIT_YEAR_BASE)),
            strict(new DateTimeFormatterBuilder().appendPattern("d.M.")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, TWO_DIGIT_YEAR_BASE)));

    /** All source formats, parsing strictly ({@link ResolverStyle#STRICT}, {@link Locale#ENGLISH}). */
    public static final List<DateTimeFormatter> FORMATS = Stream.concat(FULL_YEAR_FORMATS.stream(),
            SHORT_YEAR_FORMATS.stream()).toList();

    public DateTask {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("Date range is empty: " + from + " to " + to);
        }
    }

    /** Dates from 1950-01-01 to 2049-12-31. */
    public static DateTask defaults() {
        return new DateTask(LocalDate.of(1950, 1, 1), LocalDate.of(2049, 12, 31));
    }

    @Override
    public String name() {
        return "dates";
    }

    @Override
    public TaskExample sample(SplittableRandom random) {
        LocalDate date = LocalDate.ofEpochDay(random.nextLong(from.toEpochDay(), to.toEpochDay() + 1));
        boolean shortYearOk = date.getYear() >= TWO_DIGIT_YEAR_BASE && date.getYear() < TWO_DIGIT_YEAR_BASE + 100;
        List<DateTimeFormatter> usable = shortYearOk ? FORMATS : FULL_YEAR_FORMATS;
        return new TaskExample(usable.get(random.nextInt(usable.size())).format(date), date.toString());
    }

    private static DateTimeFormatter pattern(String pattern) {
        return strict(new DateTimeFormatterBuilder().appendPattern(pattern));
    }

    private static DateTimeFormatter strict(DateTimeFormatterBuilder builder) {
        return builder.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT);
    }

    /** 1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st, 22nd, 23rd, ... 31st. */
    private static Map<Long, String> ordinals() {
        Map<Long, String> names = new HashMap<>();
        for (long day = 1; day <= 31; day++) {
            String suffix = day >= 11 && day <= 13 ? "th" : switch ((int) (day % 10)) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
            names.put(day, day + suffix);
        }
        return names;
    }
}
