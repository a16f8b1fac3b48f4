package org.seqzoo.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.seqzoo.data.SkipReason;

class Utf8LineReaderTest {

    private static Utf8LineReader reader(byte[] bytes, int maxLineBytes) {
        return new Utf8LineReader(new ByteArrayInputStream(bytes), maxLineBytes);
    }

    private static List<String> readAll(byte[] bytes) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Utf8LineReader reader = reader(bytes, 1 << 20)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void splitsLinesDropsCarriageReturnsAndTheByteOrderMark() throws Exception {
        byte[] bytes = "\uFEFFé\tà\r\nsecond\n\nlast without newline".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("é\tà", "second", "", "last without newline"), readAll(bytes));
        assertEquals(List.of(), readAll(new byte[0]));
        assertEquals(List.of(""), readAll("\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void linesLongerThanTheBufferAreJoined() throws Exception {
        String longLine = "x".repeat(200_000) + "ü";
        assertEquals(List.of(longLine, "y"), readAll((longLine + "\ny\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void invalidUtf8IsReportedWithLineAndByteAndReadingGoesOn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("good\n".getBytes(StandardCharsets.UTF_8));
        out.write(new byte[] {'a', 'b', (byte) 0xE9, 'c', '\n'}); // Latin-1 é
        out.write("after\n".getBytes(StandardCharsets.UTF_8));
        try (Utf8LineReader reader = reader(out.toByteArray(), 1 << 20)) {
            assertEquals("good", reader.readLine());
            Utf8LineReader.MalformedLineException e = assertThrows(Utf8LineReader.MalformedLineException.class,
                    reader::readLine);
            assertEquals(SkipReason.INVALID_UTF8, e.reason());
            assertEquals(2, reader.lineNumber());
            assertTrue(e.getMessage().contains("byte 3"), e.getMessage());
            assertEquals("after", reader.readLine());
            assertNull(reader.readLine());
        }
    }

    @Test
    void rejectsOverlongFormsSurrogatesAndTruncatedSequences() {
        byte[][] malformed = {
            {(byte) 0xC0, (byte) 0xAF},                         // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},            // overlong
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},            // UTF-16 surrogate D800
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {'a', (byte) 0xE2, (byte) 0x82},                     // truncated €
            {(byte) 0x80},                                       // lone continuation byte
        };
        for (byte[] bytes : malformed) {
            assertTrue(Utf8LineReader.invalidUtf8Offset(bytes, 0, bytes.length) >= 0);
        }
        byte[] valid = "a€😀\u00A0\u202F".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, Utf8LineReader.invalidUtf8Offset(valid, 0, valid.length));
    }

    @Test
    void tooLongLinesAreReportedAndSkipped() throws IOException, Utf8LineReader.MalformedLineException {
        byte[] bytes = ("short\n" + "z".repeat(100) + "\nnext\n").getBytes(StandardCharsets.UTF_8);
        try (Utf8LineReader reader = reader(bytes, 50)) {
            assertEquals("short", reader.readLine());
            Utf8LineReader.MalformedLineException e = assertThrows(Utf8LineReader.MalformedLineException.class,
                    reader::readLine);
            assertEquals(SkipReason.LINE_TOO_LONG, e.reason());
            assertEquals("next", reader.readLine());
            assertEquals(3, reader.lineNumber());
        }
    }
}
