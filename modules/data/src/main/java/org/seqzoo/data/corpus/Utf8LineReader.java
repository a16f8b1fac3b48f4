package org.seqzoo.data.corpus;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.seqzoo.data.SkipReason;

/**
 * Reads a UTF-8 text stream line by line, strictly: a malformed byte sequence is reported with the line and
 * byte position (never replaced by U+FFFD as {@code InputStreamReader} would), and a line longer than a limit
 * is reported instead of filling the heap. Lines end at {@code \n}; a {@code \r} before it is dropped; a
 * byte-order mark at the start of the stream is dropped. A malformed line is consumed entirely, so reading
 * can go on after it (skip policy).
 *
 * <p>Fast path: lines are found with a byte scan of a 64 KiB buffer and decoded in place; UTF-8 is validated
 * by a hand-written scan (ASCII bytes cost one comparison), then decoded by {@link String}'s own decoder.
 */
public final class Utf8LineReader implements Closeable {

    /** A line that could not be decoded: why, and where in the line. The line has been consumed. */
    public static final class MalformedLineException extends Exception {
        private static final long serialVersionUID = 1L;
        private final SkipReason reason;

        MalformedLineException(SkipReason reason, String detail) {
            super(detail);
            this.reason = reason;
        }

        /** {@link SkipReason#INVALID_UTF8} or {@link SkipReason#LINE_TOO_LONG}. */
        public SkipReason reason() {
            return reason;
        }
    }

    private static final int BUFFER_SIZE = 1 << 16;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private byte[] spill = new byte[256];
    private long lineNumber;
    private boolean endOfStream;

    /**
     * @param in           the stream; closed by {@link #close()}
     * @param maxLineBytes longest accepted line in bytes, without its terminator
     */
    public Utf8LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The 1-based number of the line last returned or reported malformed; 0 before the first. */
    public long lineNumber() {
        return lineNumber;
    }

    /**
     * The next line without its terminator, or {@code null} at the end of the stream.
     *
     * @throws MalformedLineException the line is not valid UTF-8 or is too long (it is consumed all the same)
     * @throws IOException            reading failed
     */
    public String readLine() throws IOException, MalformedLineException {
        int spilled = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int newline = indexOfNewline(buffer, position, limit);
            int end = newline < 0 ? limit : newline;
            if (newline >= 0 && spilled == 0 && !tooLong) {
                int start = position;
                position = newline + 1;
                return decode(buffer, start, end - start);
            }
            int length = end - position;
            if (!tooLong && spilled + length > maxLineBytes) {
                tooLong = true;
            }
            if (!tooLong) {
                ensureSpill(spilled + length);
                System.arraycopy(buffer, position, spill, spilled, length);
                spilled += length;
            }
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                break;
            }
        }
        if (tooLong) {
            lineNumber++;
            throw new MalformedLineException(SkipReason.LINE_TOO_LONG,
                    "line longer than " + maxLineBytes + " bytes");
        }
        return decode(spill, 0, spilled);
    }

    private String decode(byte[] bytes, int start, int length) throws MalformedLineException {
        lineNumber++;
        if (length > maxLineBytes) {
            throw new MalformedLineException(SkipReason.LINE_TOO_LONG, "line longer than " + maxLineBytes + " bytes");
        }
        if (length > 0 && bytes[start + length - 1] == '\r') {
            length--;
        }
        if (lineNumber == 1 && length >= 3 && bytes[start] == (byte) 0xEF && bytes[start + 1] == (byte) 0xBB
                && bytes[start + 2] == (byte) 0xBF) {
            start += 3;
            length -= 3;
        }
        int invalid = invalidUtf8Offset(bytes, start, length);
        if (invalid >= 0) {
            throw new MalformedLineException(SkipReason.INVALID_UTF8, String.format(
                    "invalid UTF-8 at byte %d of the line (0x%02X)", invalid + 1, bytes[start + invalid] & 0xFF));
        }
        return new String(bytes, start, length, StandardCharsets.UTF_8);
    }

    private boolean fill() throws IOException {
        if (endOfStream) {
            return false;
        }
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        if (n < 0) {
            endOfStream = true;
            position = limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private void ensureSpill(int size) {
        if (size > spill.length) {
            byte[] larger = new byte[Math.max(size, spill.length * 2)];
            System.arraycopy(spill, 0, larger, 0, spill.length);
            spill = larger;
        }
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms, surrogates and
     * code points above U+10FFFF are malformed, as in RFC 3629), or -1 if all is well.
     */
    static int invalidUtf8Offset(byte[] bytes, int start, int length) {
        int end = start + length;
        int i = start;
        while (i < end) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xFF;
            int continuation;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                continuation = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                continuation = 2;
                if (b == 0xE0) {
                    secondMin = 0xA0;
                } else if (b == 0xED) {
                    secondMax = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                continuation = 3;
                if (b == 0xF0) {
                    secondMin = 0x90;
                } else if (b == 0xF4) {
                    secondMax = 0x8F;
                }
            } else {
                return i - start;
            }
            if (i + continuation >= end) {
                return i - start;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return i - start;
            }
            for (int k = 2; k <= continuation; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i - start;
                }
            }
            i += continuation + 1;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
