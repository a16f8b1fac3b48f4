package org.seqzoo.data.vocab;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.seqzoo.data.DataFileException;
import org.seqzoo.data.corpus.Utf8LineReader;
import org.seqzoo.data.text.CharacterClass;

/**
 * Token ↔ id mapping with the specials of DESIGN.md, in this order: {@code <pad>}=0, {@code <unk>}=1,
 * {@code <s>}=2 (BOS), {@code </s>}=3 (EOS); unknown tokens map to {@code <unk>}. Immutable.
 *
 * <p>File format ({@link #save}, {@link #load}): UTF-8, one token per line, line i+1 holding id i, specials
 * first; the round trip is exact (no normalisation, any Unicode). A token must be non-empty and contain no
 * whitespace or line break: the built-in tokenizers split on whitespace, so they cannot produce one, and a
 * token that breaks the rule is rejected when the vocabulary is made, not silently mangled in the file.
 * Loading validates every line (empty line, whitespace, duplicate, specials out of place, invalid UTF-8) and
 * reports file and line.
 */
public final class Vocabulary {

    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int BOS_ID = 2;
    public static final int EOS_ID = 3;
    /** The specials, in id order. */
    public static final List<String> SPECIALS = List.of(PAD, UNK, BOS, EOS);

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens, Map<String, Integer> ids) {
        this.tokens = Collections.unmodifiableList(tokens);
        this.ids = ids;
    }

    /**
     * The specials followed by {@code tokens}, in the given order (ids 4, 5, ...).
     *
     * @throws IllegalArgumentException a token is empty, contains whitespace, is a special or a duplicate
     */
    public static Vocabulary of(List<String> tokens) {
        List<String> all = new ArrayList<>(SPECIALS.size() + tokens.size());
        Map<String, Integer> ids = new HashMap<>(2 * (SPECIALS.size() + tokens.size()));
        for (String special : SPECIALS) {
            ids.put(special, all.size());
            all.add(special);
        }
        for (String token : tokens) {
            Optional<String> problem = problem(token);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("Token " + quote(token) + ": " + problem.get());
            }
            if (ids.putIfAbsent(token, all.size()) != null) {
                throw new IllegalArgumentException("Token " + quote(token) + (SPECIALS.contains(token)
                        ? " is a special token and cannot be listed again" : " is listed twice"));
            }
            all.add(token);
        }
        return new Vocabulary(all, ids);
    }

    /** Number of ids, specials included: the embedding and softmax size. */
    public int size() {
        return tokens.size();
    }

    /** The id of a token; {@link #UNK_ID} if it is not in the vocabulary. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The token with this id. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IndexOutOfBoundsException("Token id " + id + " outside the vocabulary [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }

    /** All tokens in id order, specials first. */
    public List<String> tokens() {
        return tokens;
    }

    /** The ids of tokens, unknown ones as {@link #UNK_ID}. */
    public int[] encode(List<String> sequence) {
        int[] result = new int[sequence.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = id(sequence.get(i));
        }
        return result;
    }

    /** The tokens of a model output: up to the first {@code </s>}, without {@code <pad>} and {@code <s>}. */
    public List<String> decode(int[] sequence) {
        List<String> result = new ArrayList<>(sequence.length);
        for (int id : sequence) {
            if (id == EOS_ID) {
                break;
            }
            if (id != PAD_ID && id != BOS_ID) {
                result.add(token(id));
            }
        }
        return result;
    }

    /**
     * Writes one token per line, UTF-8.
     *
     * @throws DataFileException the file cannot be written
     */
    /** Writes the vocabulary in {@link #save}'s format (one token per line, UTF-8); the stream is not closed. */
    public void write(OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        for (String token : tokens) {
            writer.write(token);
            writer.write('\n');
        }
        writer.flush();
    }

    public void save(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                write(out);
            }
        } catch (IOException e) {
            throw new DataFileException(DataFileException.displayName(file), "cannot write: " + DataFileException.describe(e), e);
        }
    }

    /**
     * Reads a vocabulary written by {@link #save}.
     *
     * @throws DataFileException the file is missing or unreadable, or a line is not a valid token (naming the
     *                           line)
     */
    public static Vocabulary load(Path file) {
        String name = DataFileException.displayName(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name);
        } catch (IOException e) {
            throw new DataFileException(name, Files.exists(file) ? "cannot read: " + DataFileException.describe(e) : "no such file", e);
        }
    }

    /**
     * Reads a vocabulary in the format of {@link #save} from a stream (e.g. an entry of a model bundle), checked
     * as {@link #load} checks a file; {@code name} is used in error messages. The stream is not closed.
     */
    public static Vocabulary read(InputStream in, String name) throws IOException {
        List<String> all = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        Utf8LineReader reader = new Utf8LineReader(in, 1 << 16);
        String token;
        while (true) {
            try {
                token = reader.readLine();
            } catch (Utf8LineReader.MalformedLineException e) {
                throw new DataFileException(name, reader.lineNumber(), e.reason(), e.getMessage());
            }
            if (token == null) {
                break;
            }
            long line = reader.lineNumber();
            int id = all.size();
            if (id < SPECIALS.size() && !SPECIALS.get(id).equals(token)) {
                throw new DataFileException(name, line, null, "expected the special token "
                        + SPECIALS.get(id) + " (specials come first: " + String.join(" ", SPECIALS) + "), found "
                        + quote(token));
            }
            Optional<String> problem = problem(token);
            if (problem.isPresent()) {
                throw new DataFileException(name, line, null, "token " + quote(token) + ": " + problem.get());
            }
            Integer previous = ids.putIfAbsent(token, id);
            if (previous != null) {
                throw new DataFileException(name, line, null, "token " + quote(token)
                        + " already on line " + (previous + 1));
            }
            all.add(token);
        }
        if (all.size() < SPECIALS.size()) {
            throw new DataFileException(name, "holds " + all.size() + " lines; a vocabulary starts with the "
                    + SPECIALS.size() + " specials " + String.join(" ", SPECIALS), null);
        }
        return new Vocabulary(all, ids);
    }

    /** Why a string cannot be a token, if it cannot. */
    static Optional<String> problem(String token) {
        if (token.isEmpty()) {
            return Optional.of("empty token");
        }
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            if (CharacterClass.isSpace(cp)) {
                return Optional.of(String.format("contains whitespace (U+%04X); tokens are separated by whitespace", cp));
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    private static String quote(String token) {
        return "'" + token.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Vocabulary v && tokens.equals(v.tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary(" + tokens.size() + " tokens)";
    }
}
