package org.seqzoo.models.rnn;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What seqzoo's uses of oneDNN primitives share ({@link OneDnnRecurrentInference}, {@link OneDnnProbabilities}): the
 * CPU engine, a stream per thread, float32 memory descriptions, oneDNN memories over ND4J arrays, and primitive
 * attributes with a user scratchpad (a primitive then runs on several threads at once, each with its own).
 */
final class OneDnn {

    private static engine cpu;
    private static final ThreadLocal<stream> STREAMS = new ThreadLocal<>();
    private static final ThreadLocal<FloatPointer> SCRATCHPADS = ThreadLocal.withInitial(() -> new FloatPointer(1));

    private OneDnn() {
    }

    /** The CPU engine. */
    static synchronized engine cpu() {
        if (cpu == null) {
            cpu = new engine(engine.kind.cpu, 0);
        }
        return cpu;
    }

    /** This thread's stream. */
    static stream stream() {
        stream stream = STREAMS.get();
        if (stream == null) {
            stream = new stream(cpu());
            STREAMS.set(stream);
        }
        return stream;
    }

    /** A float32 memory description of {@code dims} in the plain layout {@code tag}. */
    static memory.desc desc(memory.format_tag tag, long... dims) {
        return new memory.desc(new LongPointer(dims), memory.data_type.f32, tag);
    }

    /** A float32 memory description of {@code dims} with the given element strides. */
    static memory.desc strided(long[] dims, long[] strides) {
        return new memory.desc(dims, memory.data_type.f32, strides);
    }

    /** Attributes asking for a scratchpad the caller provides ({@link #scratchpad}). */
    static primitive_attr userScratchpad() {
        primitive_attr attributes = new primitive_attr();
        attributes.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        return attributes;
    }

    /** This thread's scratchpad memory of at least {@code desc}'s size (kept and grown per thread). */
    static memory scratchpad(memory.desc desc) {
        return scratchpad(desc, desc.get_size());
    }

    /**
     * This thread's scratchpad as a memory of {@code desc}, grown to at least {@code bytes} first: for primitives
     * executed one after the other with the same scratchpad, pass the largest of their sizes to each, so that no
     * later call replaces the memory an earlier one handed out.
     */
    static memory scratchpad(memory.desc desc, long bytes) {
        long floats = Math.max(1, (Math.max(bytes, desc.get_size()) + Float.BYTES - 1) / Float.BYTES);
        FloatPointer pointer = SCRATCHPADS.get();
        if (pointer.capacity() < floats) {
            pointer.deallocate();
            pointer = new FloatPointer(floats);
            SCRATCHPADS.set(pointer);
        }
        return new memory(desc, cpu(), pointer);
    }

    /** A pointer at {@code array}'s element {@code offset}, position 0 (JavaCPP's memcmp and memcpy ignore it). */
    static FloatPointer pointer(INDArray array, long offset) {
        return new FloatPointer(array.data().pointer()).getPointer(FloatPointer.class, array.offset() + offset);
    }

    /** {@code array}'s memory from element {@code offset} as a oneDNN memory of {@code desc}. */
    static memory memory(memory.desc desc, INDArray array, long offset) {
        return new memory(desc, cpu(), pointer(array, offset));
    }
}
