package org.seqzoo.train.bundle;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.seqzoo.data.DataFileException;
import org.seqzoo.data.vocab.Vocabularies;
import org.seqzoo.data.vocab.Vocabulary;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.models.seq2seq.Seq2SeqSpec;
import org.seqzoo.train.io.AtomicFiles;
import org.seqzoo.train.text.TokenizerChoice;

/**
 * A trained model in one file, everything {@code translate} and {@code evaluate} need: the graph (DL4J
 * {@code ModelSerializer} format, with updater state so training can go on), the model spec, both
 * vocabularies and the text settings. A zip with the entries {@value #GRAPH}, {@value #SPEC},
 * {@value #SOURCE_VOCAB}, {@value #TARGET_VOCAB}, {@value #TEXT} and {@value #MANIFEST}; written atomically.
 * Loading checks the entries and that vocabularies, spec and graph agree, with a message naming the file.
 */
public record ModelBundle(Seq2SeqSpec spec, ComputationGraph graph, Vocabularies vocabularies, TextSettings text) {

    static final String GRAPH = "graph.zip";
    static final String SPEC = "spec.json";
    static final String SOURCE_VOCAB = "source.vocab";
    static final String TARGET_VOCAB = "target.vocab";
    static final String TEXT = "text.json";
    static final String MANIFEST = "seqzoo-bundle.json";
    private static final String FORMAT = "seqzoo-model-bundle";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelBundle {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(vocabularies, "vocabularies");
        Objects.requireNonNull(text, "text");
    }

    /** Writes the bundle to {@code file} atomically (a crash mid-write leaves any previous file intact). */
    public void save(Path file) {
        save(file, Map.of());
    }

    /**
     * Writes the bundle with extra entries (e.g. a trainer's state beside a checkpoint's model, so that both are
     * replaced together), atomically.
     */
    public void save(Path file, Map<String, byte[]> extras) {
        try {
            AtomicFiles.write(file, out -> write(new BufferedOutputStream(out), extras));
        } catch (IOException e) {
            throw new BundleException(file, "cannot write the model bundle: " + e.getMessage(), e);
        }
    }

    private void write(OutputStream out, Map<String, byte[]> extras) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        for (Map.Entry<String, byte[]> extra : extras.entrySet()) {
            entry(zip, extra.getKey(), extra.getValue());
        }
        entry(zip, MANIFEST, JSON.writeValueAsBytes(Map.of("format", FORMAT, "version", VERSION)));
        entry(zip, SPEC, spec.toJson().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> textJson = Map.of("sourceTokenizer", text.sourceTokenizer().label(),
                "targetTokenizer", text.targetTokenizer().label(), "lowercase", text.lowercase());
        entry(zip, TEXT, JSON.writeValueAsBytes(textJson));
        ByteArrayOutputStream vocab = new ByteArrayOutputStream();
        vocabularies.source().write(vocab);
        entry(zip, SOURCE_VOCAB, vocab.toByteArray());
        vocab.reset();
        vocabularies.target().write(vocab);
        entry(zip, TARGET_VOCAB, vocab.toByteArray());
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ModelSerializer.writeModel(graph, model, true);
        entry(zip, GRAPH, model.toByteArray());
        zip.finish();
        zip.flush();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    /**
     * Reads a bundle.
     *
     * @throws BundleException naming the file: missing or unreadable, not a bundle, a missing entry, or
     *                         vocabularies that do not match the graph
     */
    public static ModelBundle load(Path file) {
        return loadWithEntries(file).bundle();
    }

    /** A loaded bundle and all entries of its file, extra ones included. */
    public record Loaded(ModelBundle bundle, Map<String, byte[]> entries) {
    }

    /** Reads a bundle as {@link #load} does, keeping every entry of the file. */
    public static Loaded loadWithEntries(Path file) {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        } catch (NoSuchFileException e) {
            throw new BundleException(file, "no such file");
        } catch (ZipException e) {
            throw new BundleException(file, "not a seqzoo model bundle (not a zip file: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BundleException(file, "cannot read: " + e.getMessage(), e);
        }
        checkManifest(file, entries);
        Seq2SeqSpec spec;
        try {
            spec = Seq2SeqSpec.fromJson(new String(require(file, entries, SPEC), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new BundleException(file, SPEC + ": " + e.getMessage(), e);
        }
        Vocabularies vocabularies = new Vocabularies(vocabulary(file, entries, SOURCE_VOCAB),
                vocabulary(file, entries, TARGET_VOCAB));
        TextSettings text = text(file, require(file, entries, TEXT));
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(require(file, entries, GRAPH)), true);
        } catch (IOException | RuntimeException e) {
            throw new BundleException(file, GRAPH + " is not a DL4J ComputationGraph: " + e.getMessage(), e);
        }
        ModelBundle bundle = new ModelBundle(spec, graph, vocabularies, text);
        bundle.checkConsistent(file);
        return new Loaded(bundle, entries);
    }

    /** The vocabularies, spec and graph must agree on sizes; else the bundle is not usable. */
    private void checkConsistent(Path file) {
        check(file, "source vocabulary", vocabularies.source().size(), "the spec's source vocabulary size",
                spec.sourceVocabSize());
        check(file, "target vocabulary", vocabularies.target().size(), "the spec's target vocabulary size",
                spec.targetVocabSize());
        long outputs = graph.getLayer(Seq2SeqGraphs.OUTPUT).getParam("b").length();
        check(file, "target vocabulary", vocabularies.target().size(), "the graph's output layer", outputs);
        long inputs = spec.sharedEmbeddings() ? spec.sourceVocabSize()
                : graph.getLayer(Seq2SeqGraphs.SOURCE_EMBEDDING).getParam("W").size(0);
        check(file, "source vocabulary", vocabularies.source().size(), "the graph's source embedding", inputs);
    }

    private static void check(Path file, String what, long size, String against, long expected) {
        if (size != expected) {
            throw new BundleException(file, "vocabularies do not match the graph: the " + what + " has " + size
                    + " tokens, " + against + " " + expected);
        }
    }

    private static void checkManifest(Path file, Map<String, byte[]> entries) {
        byte[] manifest = entries.get(MANIFEST);
        if (manifest == null) {
            throw new BundleException(file, "not a seqzoo model bundle (no " + MANIFEST + "; entries: "
                    + entries.keySet() + ")");
        }
        try {
            JsonNode node = JSON.readTree(manifest);
            if (!FORMAT.equals(node.path("format").asText()) || node.path("version").asInt() != VERSION) {
                throw new BundleException(file, "unsupported bundle format " + node + " (this seqzoo reads "
                        + FORMAT + " version " + VERSION + ")");
            }
        } catch (IOException e) {
            throw new BundleException(file, MANIFEST + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] require(Path file, Map<String, byte[]> entries, String name) {
        byte[] content = entries.get(name);
        if (content == null) {
            throw new BundleException(file, "incomplete model bundle: missing entry '" + name + "'");
        }
        return content;
    }

    private static Vocabulary vocabulary(Path file, Map<String, byte[]> entries, String name) {
        try (InputStream in = new ByteArrayInputStream(require(file, entries, name))) {
            return Vocabulary.read(in, file + "!" + name);
        } catch (DataFileException e) {
            throw new BundleException(file, e.getMessage(), e);
        } catch (IOException e) {
            throw new BundleException(file, "cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static TextSettings text(Path file, byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new TextSettings(TokenizerChoice.fromLabel(node.path("sourceTokenizer").asText()),
                    TokenizerChoice.fromLabel(node.path("targetTokenizer").asText()), node.path("lowercase").asBoolean());
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException(file, TEXT + ": " + e.getMessage(), e);
        }
    }
}
