package org.seqzoo.models.imports;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The four parameter tensors of one layer of a PyTorch {@code torch.nn.GRU} / {@code torch.nn.LSTM}, in
 * PyTorch's own layout: {@code weight_ih [G·H, nIn]}, {@code weight_hh [G·H, H]}, {@code bias_ih [G·H]},
 * {@code bias_hh [G·H]}, where the row blocks are the gates in PyTorch's order — GRU {@code r, z, n}
 * ({@code G = 3}), LSTM {@code i, f, g, o} ({@code G = 4}). ONNX's GRU/LSTM weights {@code W, R, B} hold
 * the same tensors (with ONNX's own gate order, which callers must reorder to PyTorch's first).
 *
 * <p>Construction checks that the shapes agree with each other; {@link TorchRnnImport} checks them
 * against the layer they are loaded into.
 *
 * @param gates number of gate blocks G (3 for a GRU, 4 for an LSTM)
 */
public record TorchRnnWeights(int gates, INDArray weightIh, INDArray weightHh, INDArray biasIh, INDArray biasHh) {

    public TorchRnnWeights {
        Objects.requireNonNull(weightIh, "weight_ih");
        Objects.requireNonNull(weightHh, "weight_hh");
        Objects.requireNonNull(biasIh, "bias_ih");
        Objects.requireNonNull(biasHh, "bias_hh");
        if (gates != 3 && gates != 4) {
            throw new IllegalArgumentException("gates must be 3 (GRU) or 4 (LSTM), got " + gates);
        }
        if (weightHh.rank() != 2 || weightHh.size(0) % gates != 0 || weightHh.size(0) / gates != weightHh.size(1)) {
            throw new IllegalArgumentException("weight_hh must be [" + gates + "·H, H], got "
                    + Arrays.toString(weightHh.shape()));
        }
        long rows = weightHh.size(0);
        if (weightIh.rank() != 2 || weightIh.size(0) != rows) {
            throw new IllegalArgumentException("weight_ih must be [" + rows + ", nIn] to match weight_hh "
                    + Arrays.toString(weightHh.shape()) + ", got " + Arrays.toString(weightIh.shape()));
        }
        if (biasIh.length() != rows || biasHh.length() != rows) {
            throw new IllegalArgumentException("bias_ih and bias_hh must have " + rows + " entries, got "
                    + biasIh.length() + " and " + biasHh.length());
        }
    }

    /**
     * Picks layer {@code layer}'s tensors out of a PyTorch-style state dict ({@code weight_ih_l0},
     * {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0}, ...).
     *
     * @throws IllegalArgumentException naming the missing key
     */
    public static TorchRnnWeights fromStateDict(int gates, Map<String, INDArray> stateDict, int layer) {
        return new TorchRnnWeights(gates,
                required(stateDict, "weight_ih_l" + layer),
                required(stateDict, "weight_hh_l" + layer),
                required(stateDict, "bias_ih_l" + layer),
                required(stateDict, "bias_hh_l" + layer));
    }

    /** Hidden size H. */
    public long hiddenSize() {
        return weightHh.size(1);
    }

    /** Input size nIn. */
    public long inputSize() {
        return weightIh.size(1);
    }

    private static INDArray required(Map<String, INDArray> stateDict, String key) {
        INDArray value = stateDict.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing '" + key + "' in the state dict (has " + stateDict.keySet() + ")");
        }
        return value;
    }
}
