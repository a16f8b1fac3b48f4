package org.seqzoo.models.rnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.cpu.NativeArray;

/**
 * A recurrent cell's float32 weights in the layout oneDNN's inference primitives read ({@link OneDnnCell}), kept
 * between passes: {@code W} ({@code ldigo [1, 1, nIn, G, H]}), {@code U} ({@code ldigo [1, 1, H, G, H]}) and the
 * bias ({@code ldgo [1, 1, G', H]}: {@code b}, and a reset-after GRU's {@code rb}), gates in oneDNN's order
 * (LSTM {@code i, f, c~, o} from seqzoo's {@code i | f | o | g}; GRU {@code u, r, o} from {@code r | z | n}).
 *
 * <p>Converting takes a transpose of every weight matrix (~0.5–1 ms at the benchmark's default shapes, a tenth of
 * the pass), so the converted weights are kept with an exact copy of the parameters they came from, and reused
 * while the parameters' memory still holds the same bytes: a {@code memcmp} of the parameters per pass (~1.3 MB at
 * those shapes, shared out between the pass's threads: {@link Kept#changed}), not a hash or a version number,
 * decides. Weights updated in place by training are converted again at their next inference pass. Not
 * thread-safe, apart from {@link Kept#changed}: {@link OneDnnRecurrentInference} serialises its passes.
 */
final class OneDnnRecurrentWeights {

    private static final int MAX_KEPT = 8;

    private final List<Entry> kept = new ArrayList<>();

    /** oneDNN memories over an entry's converted weights. */
    private record Converted(memory layer, memory iter, memory bias) {
    }

    /** One parameter set: its cell, where it lives, a copy of its bytes, and its conversion. */
    static final class Entry {
        final OneDnnCell cell;
        final long[] addresses;
        final FloatPointer[] copies;
        final Converted converted;
        final FloatPointer[] convertedData;

        Entry(OneDnnCell cell, long[] addresses, FloatPointer[] copies, Converted converted,
              FloatPointer[] convertedData) {
            this.cell = cell;
            this.addresses = addresses;
            this.copies = copies;
            this.converted = converted;
            this.convertedData = convertedData;
        }

        void close() {
            converted.layer().close();
            converted.iter().close();
            converted.bias().close();
            for (Pointer pointer : copies) {
                pointer.deallocate();
            }
            for (Pointer pointer : convertedData) {
                pointer.deallocate();
            }
        }
    }

    /**
     * A pass's parameters ({@code W}, {@code U}, {@code b} and a GRU's {@code rb}, as {@link #of} took them) with
     * their kept conversion.
     * The check whether they changed since can be shared out between threads ({@link #changed}); then
     * {@link #convert} converts again if any share found a change.
     */
    record Kept(INDArray[] parameters, Entry entry, int hidden) {

        /**
         * Whether share {@code share} of {@code shares} of the parameters' bytes (taken as one run: {@code W},
         * {@code U}, {@code b}, {@code rb}) differs from the kept copy; shares may be checked on different threads at
         * once.
         */
        boolean changed(int share, int shares) {
            long total = 0;
            for (INDArray parameter : parameters) {
                total += parameter.length() * Float.BYTES;
            }
            long from = total * share / shares;
            long to = total * (share + 1) / shares;
            long start = 0;
            for (int k = 0; k < parameters.length; k++) {
                long end = start + parameters[k].length() * Float.BYTES;
                long first = Math.max(from, start);
                long last = Math.min(to, end);
                if (first < last && Pointer.memcmp(bytes(OneDnn.pointer(parameters[k], 0), first - start),
                        bytes(entry.copies[k], first - start), last - first) != 0) {
                    return true;
                }
                start = end;
            }
            return false;
        }

        /** Converts the parameters again (after a share of the check found a change). */
        void convert() {
            copyAndConvert(entry.cell, parameters, entry.copies, entry.convertedData, hidden);
        }

        /** {@code W} converted, as a oneDNN memory. */
        memory layer() {
            return entry.converted.layer();
        }

        /** {@code U} converted. */
        memory iter() {
            return entry.converted.iter();
        }

        /** The bias converted. */
        memory bias() {
            return entry.converted.bias();
        }
    }

    /** {@code pointer} moved on by {@code offset} bytes. */
    private static BytePointer bytes(Pointer pointer, long offset) {
        return new BytePointer(pointer).getPointer(BytePointer.class, offset);
    }

    /**
     * The kept conversion of {@code weights} (float32, seqzoo's layout) of a {@code cell} into oneDNN's: found by the
     * parameters' addresses (and converted now if new); whether the parameters changed since is for the caller to
     * check.
     */
    Kept of(OneDnnCell cell, GateWeights weights) {
        INDArray[] parameters = cell.parameters(weights);
        long[] addresses = new long[parameters.length];
        for (int k = 0; k < parameters.length; k++) {
            addresses[k] = OneDnn.pointer(parameters[k], 0).address();
        }
        int hidden = (int) weights.hidden();
        for (int e = 0; e < kept.size(); e++) {
            Entry entry = kept.get(e);
            if (entry.cell == cell && Arrays.equals(entry.addresses, addresses)) {
                kept.remove(e);
                kept.add(entry);                                               // most recently used last
                return new Kept(parameters, entry, hidden);
            }
        }
        Entry entry = create(cell, parameters, addresses, hidden);
        kept.add(entry);
        if (kept.size() > MAX_KEPT) {
            kept.remove(0).close();
        }
        return new Kept(parameters, entry, hidden);
    }

    private static Entry create(OneDnnCell cell, INDArray[] parameters, long[] addresses, int hidden) {
        int gates = cell.gates();
        int nIn = (int) (parameters[0].length() / ((long) gates * hidden));
        FloatPointer[] copies = new FloatPointer[parameters.length];
        FloatPointer[] converted = new FloatPointer[3];
        for (int k = 0; k < parameters.length; k++) {
            copies[k] = new FloatPointer(parameters[k].length());
        }
        converted[0] = new FloatPointer(parameters[0].length());
        converted[1] = new FloatPointer(parameters[1].length());
        converted[2] = new FloatPointer((long) cell.biasGates() * hidden);
        copyAndConvert(cell, parameters, copies, converted, hidden);
        Converted memories = new Converted(new memory(cell.weightsDesc(nIn, hidden), OneDnn.cpu(), converted[0]),
                new memory(cell.weightsDesc(hidden, hidden), OneDnn.cpu(), converted[1]),
                new memory(cell.biasDesc(hidden), OneDnn.cpu(), converted[2]));
        return new Entry(cell, addresses, copies, memories, converted);
    }

    /**
     * Keeps a copy of each parameter's bytes and converts: a weight's memory ({@code 'f'} {@code [rows, G·H]}) holds
     * column {@code c = block·H + o} at {@code c·rows + r}; oneDNN's {@code ldigo} wants {@code (r·G + g)·H + o}.
     * The bias ({@code ldgo}) is gate by gate: {@code b}'s blocks in oneDNN's order, then a GRU's {@code rb}.
     */
    private static void copyAndConvert(OneDnnCell cell, INDArray[] parameters, FloatPointer[] copies,
                                       FloatPointer[] converted, int hidden) {
        int gates = cell.gates();
        float[][] values = new float[parameters.length][];
        for (int k = 0; k < parameters.length; k++) {
            int length = (int) parameters[k].length();
            Pointer.memcpy(copies[k], OneDnn.pointer(parameters[k], 0), (long) length * Float.BYTES);
            values[k] = new float[length];
            NativeArray.of(parameters[k]).readFloats(0, values[k], 0, length);
        }
        for (int k = 0; k < 3; k++) {
            float[] source = values[k];
            int rows = source.length / (gates * hidden);
            float[] target = new float[k < 2 ? source.length : cell.biasGates() * hidden];
            for (int gate = 0; gate < gates; gate++) {
                int block = cell.seqzooBlock(gate) * hidden;
                for (int o = 0; o < hidden; o++) {
                    int from = (block + o) * rows;
                    int to = gate * hidden + o;
                    for (int r = 0; r < rows; r++) {
                        target[r * gates * hidden + to] = source[from + r];
                    }
                }
            }
            if (k == 2 && parameters.length > 3) {
                System.arraycopy(values[3], 0, target, gates * hidden, hidden);          // the GRU's b_un
            }
            converted[k].put(target, 0, target.length);
        }
    }
}
