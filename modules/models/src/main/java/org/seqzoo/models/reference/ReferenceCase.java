package org.seqzoo.models.reference;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.seqzoo.models.imports.TorchRnnWeights;

/**
 * One reference test vector for a recurrent cell, as produced by an independent implementation (PyTorch,
 * ONNX's operator definition): weights in PyTorch layout, inputs, and the outputs the reference computed.
 * The JSON format is described in {@code shared/reference/README.md}; arrays are batch-first
 * ({@code x [B, T, I]}, {@code y [B, T, H]}), states {@code [1, B, H]}.
 *
 * @param resetAfter GRU only: reset gate applied after the recurrent product (PyTorch) or before (Cho)
 * @param lengths    real steps per sequence; {@code y} is 0 beyond them and {@code hN}/{@code cN} are the
 *                   states after each sequence's last real step
 */
public record ReferenceCase(Path file, Op op, boolean resetAfter, int inputSize, int hiddenSize, int batch,
                            int steps, int[] lengths, TorchRnnWeights weights, INDArray x, Optional<INDArray> h0,
                            Optional<INDArray> c0, INDArray y, INDArray hN, Optional<INDArray> cN) {

    /** The cell a case is for. */
    public enum Op { GRU, LSTM }

    /**
     * Reads and validates a case file.
     *
     * @throws ReferenceFormatException naming the file and the problem (unreadable, not JSON, missing or
     *                                  mis-shaped field)
     */
    public static ReferenceCase load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage().split("\\R| \\(start marker")[0].strip();
            throw new ReferenceFormatException(file, "not valid JSON"
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()) + ": " + reason, e);
        } catch (NoSuchFileException e) {
            throw new ReferenceFormatException(file, "cannot read: no such file", e);
        } catch (AccessDeniedException e) {
            throw new ReferenceFormatException(file, "cannot read: permission denied", e);
        } catch (IOException e) {
            throw new ReferenceFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ReferenceFormatException(file, "expected a JSON object at the top level");
        }
        Reader reader = new Reader(file);
        String opName = reader.text(root, "op");
        Op op;
        try {
            op = Op.valueOf(opName);
        } catch (IllegalArgumentException e) {
            throw new ReferenceFormatException(file, "field 'op' must be \"GRU\" or \"LSTM\", got \"" + opName + "\"");
        }
        int gates = op == Op.GRU ? 3 : 4;
        boolean resetAfter = op == Op.GRU && reader.bool(root, "reset_after");
        int in = reader.positive(root, "input_size");
        int hidden = reader.positive(root, "hidden_size");
        int batch = reader.positive(root, "batch");
        int steps = reader.positive(root, "seq_len");
        int[] lengths = reader.lengths(root, batch, steps);

        JsonNode w = reader.object(root, "weights");
        TorchRnnWeights weights = new TorchRnnWeights(gates,
                reader.array(w, "weights.", "weight_ih_l0", gates * hidden, in),
                reader.array(w, "weights.", "weight_hh_l0", gates * hidden, hidden),
                reader.array(w, "weights.", "bias_ih_l0", gates * hidden),
                reader.array(w, "weights.", "bias_hh_l0", gates * hidden));
        JsonNode inputs = reader.object(root, "inputs");
        JsonNode outputs = reader.object(root, "outputs");
        INDArray x = reader.array(inputs, "inputs.", "x", batch, steps, in);
        Optional<INDArray> h0 = reader.optionalArray(inputs, "inputs.", "h0", 1, batch, hidden);
        Optional<INDArray> c0 = op == Op.LSTM ? reader.optionalArray(inputs, "inputs.", "c0", 1, batch, hidden)
                : Optional.empty();
        INDArray y = reader.array(outputs, "outputs.", "y", batch, steps, hidden);
        INDArray hN = reader.array(outputs, "outputs.", "h_n", 1, batch, hidden);
        Optional<INDArray> cN = op == Op.LSTM
                ? Optional.of(reader.array(outputs, "outputs.", "c_n", 1, batch, hidden)) : Optional.empty();
        return new ReferenceCase(file, op, resetAfter, in, hidden, batch, steps, lengths, weights, x, h0, c0, y,
                hN, cN);
    }

    /** Whether some sequence is shorter than {@link #steps()}. */
    public boolean hasPadding() {
        return Arrays.stream(lengths).anyMatch(length -> length < steps);
    }

    /** Mask {@code [B, T]}: 1 for real steps, 0 for padding. */
    public INDArray mask(DataType type) {
        INDArray mask = Nd4j.zeros(type, batch, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                mask.putScalar(b, t, 1.0);
            }
        }
        return mask;
    }

    /** Reads fields with messages that name the file and the field. */
    private record Reader(Path file) {

        JsonNode field(JsonNode parent, String prefix, String name) {
            JsonNode node = parent.get(name);
            if (node == null || node.isNull()) {
                throw new ReferenceFormatException(file, "missing field '" + prefix + name + "'");
            }
            return node;
        }

        String text(JsonNode root, String name) {
            JsonNode node = field(root, "", name);
            if (!node.isTextual()) {
                throw new ReferenceFormatException(file, "field '" + name + "' must be a string");
            }
            return node.asText();
        }

        boolean bool(JsonNode root, String name) {
            JsonNode node = field(root, "", name);
            if (!node.isBoolean()) {
                throw new ReferenceFormatException(file, "field '" + name + "' must be true or false");
            }
            return node.asBoolean();
        }

        int positive(JsonNode root, String name) {
            JsonNode node = field(root, "", name);
            if (!node.isIntegralNumber() || node.asInt() <= 0) {
                throw new ReferenceFormatException(file, "field '" + name + "' must be a positive integer, got " + node);
            }
            return node.asInt();
        }

        JsonNode object(JsonNode root, String name) {
            JsonNode node = field(root, "", name);
            if (!node.isObject()) {
                throw new ReferenceFormatException(file, "field '" + name + "' must be an object");
            }
            return node;
        }

        int[] lengths(JsonNode root, int batch, int steps) {
            JsonNode node = field(root, "", "lengths");
            if (!node.isArray() || node.size() != batch) {
                throw new ReferenceFormatException(file, "field 'lengths' must be an array of " + batch + " integers");
            }
            int[] lengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                int length = node.get(b).asInt(-1);
                if (!node.get(b).isIntegralNumber() || length < 1 || length > steps) {
                    throw new ReferenceFormatException(file, "lengths[" + b + "] must be an integer in 1.." + steps
                            + ", got " + node.get(b));
                }
                lengths[b] = length;
            }
            return lengths;
        }

        Optional<INDArray> optionalArray(JsonNode parent, String prefix, String name, long... shape) {
            JsonNode node = parent.get(name);
            return node == null || node.isNull() ? Optional.empty() : Optional.of(array(parent, prefix, name, shape));
        }

        INDArray array(JsonNode parent, String prefix, String name, long... expectedShape) {
            String where = "'" + prefix + name + "'";
            JsonNode node = field(parent, prefix, name);
            JsonNode shapeNode = node.get("shape");
            JsonNode dataNode = node.get("data");
            if (shapeNode == null || !shapeNode.isArray() || dataNode == null || !dataNode.isArray()) {
                throw new ReferenceFormatException(file, where + " must be {\"shape\": [...], \"data\": [...]}");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
            }
            if (!Arrays.equals(shape, expectedShape)) {
                throw new ReferenceFormatException(file, where + " has shape " + Arrays.toString(shape)
                        + ", expected " + Arrays.toString(expectedShape) + " from the case's sizes");
            }
            long length = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            if (dataNode.size() != length) {
                throw new ReferenceFormatException(file, where + " has " + dataNode.size() + " values, its shape "
                        + Arrays.toString(shape) + " needs " + length);
            }
            double[] data = new double[dataNode.size()];
            for (int i = 0; i < data.length; i++) {
                JsonNode value = dataNode.get(i);
                if (!value.isNumber()) {
                    throw new ReferenceFormatException(file, where + " value " + i + " is not a number: " + value);
                }
                data[i] = value.asDouble();
            }
            return Nd4j.create(data, shape, 'c');
        }
    }
}
