package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.leading;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.KernelThreads;
import org.seqzoo.models.cpu.NativeArray;

/**
 * A recurrent pass over a minibatch split into column ranges ("parts") of the batch, one {@link SequencePass}
 * each, whose time loops run on separate threads ({@link KernelThreads}): the sequences of a minibatch never
 * interact, so the parts need no synchronisation. Everything that allocates ND4J arrays (the parts' set-up,
 * the combined output and gradients) happens on the calling thread, in its workspaces; the loops themselves
 * only touch native memory through {@link NativeArray} and OpenBLAS.
 *
 * <p>A pass with a {@link StepInput} (attention decoders) is split only if the step input can be
 * ({@link StepInput#columns}).
 */
final class BatchParts {

    final List<SequencePass> parts;
    /** First batch column of each part, and the batch size at the end. */
    private final long[] from;
    private final INDArray mask;
    private final InputProjection projection;
    /** The output store the parts' loops write ({@link SequencePass#emit}), {@code [H, T, B]}. */
    private final INDArray stored;
    private INDArray output;
    private INDArray inputGradient;

    private BatchParts(List<SequencePass> parts, long[] from, INDArray mask, InputProjection projection,
                       INDArray stored) {
        this.parts = parts;
        this.from = from;
        this.mask = mask;
        this.projection = projection;
        this.stored = stored;
    }

    /**
     * Checks the arguments of {@link RecurrentKernel#forward} ({@link #checkArguments}), splits the batch and starts
     * a {@link SequencePass} for each part.
     */
    static BatchParts start(String cell, GateWeights weights, INDArray input, RecurrentState initialState,
                            INDArray mask, StepInput stepInput, boolean forBackprop, LayerWorkspaceMgr workspaces) {
        checkArguments(cell, weights, input, initialState, mask);
        long h = weights.hidden();
        long batch = input.size(0);
        long steps = input.size(2);
        ArrayType work = forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.FF_WORKING_MEM;
        InputProjection projection = InputProjection.of(weights, input, work, workspaces);
        int count = KernelThreads.parts(batch, steps);
        long[] from = new long[count + 1];
        for (int p = 0; p <= count; p++) {
            from[p] = batch * p / count;
        }
        StepInput[] stepInputs = new StepInput[count];
        for (int p = 0; p < count && stepInput != null; p++) {
            stepInputs[p] = count == 1 ? stepInput : stepInput.columns((int) from[p], (int) (from[p + 1] - from[p]));
            if (stepInputs[p] == null) {
                count = 1;                                  // a step input that cannot be split: one part
                from = new long[] {0, batch};
                stepInputs = new StepInput[] {stepInput};
            }
        }
        INDArray stored = StepMajorLayout.outputStore(steps, h, batch, projection.type, workspaces);
        NativeArray store = NativeArray.of(stored);
        List<SequencePass> parts = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            long start = from[p];
            long size = from[p + 1] - start;
            INDArray initialHidden = initialState == null ? null : part(initialState.h(), start, size, count);
            parts.add(SequencePass.start(projection, (int) start, (int) size, (int) h, initialHidden,
                    part(mask, start, size, count), stepInputs[p], work, store, workspaces));
        }
        return new BatchParts(parts, from, mask, projection, stored);
    }

    /**
     * Checks the arguments of {@link RecurrentKernel#forward} ({@code cell} names the cell in messages): shapes of
     * the input, initial state and mask against the weights.
     */
    static void checkArguments(String cell, GateWeights weights, INDArray input, RecurrentState initialState,
                               INDArray mask) {
        long h = weights.hidden();
        long g = weights.w().size(1);
        long nIn = weights.w().size(0);
        Preconditions.checkArgument(input.rank() == 3 && input.size(1) == nIn,
                "%s input must be [minibatch, nIn=%s, time], got %ndShape", cell, nIn, input);
        long batch = input.size(0);
        long steps = input.size(2);
        Preconditions.checkArgument((steps + 1) * g * batch <= Integer.MAX_VALUE,
                "%s sequence too large for one pass: [minibatch=%s, time=%s] with %s gate units", cell, batch,
                steps, g);
        if (initialState != null) {
            for (INDArray state : new INDArray[] {initialState.h(), initialState.c()}) {
                Preconditions.checkArgument(state == null || (state.rank() == 2 && state.size(0) == batch
                                && state.size(1) == h),
                        "%s initial state must be [minibatch=%s, nOut=%s], got %ndShape (rnnTimeStep with a"
                                + " different minibatch size, or forgot rnnClearPreviousState?)", cell, batch, h,
                        state);
            }
        }
        Preconditions.checkArgument(mask == null || (mask.rank() == 2 && mask.size(0) == batch
                        && mask.size(1) == steps),
                "%s mask must be [minibatch=%s, time=%s], got %ndShape", cell, batch, steps, mask);
    }

    /** Rows {@code start … start+size-1} of {@code array} (the array itself when not split, or {@code null}). */
    private static INDArray part(INDArray array, long start, long size, int count) {
        return array == null || count == 1 || array.rank() < 2 ? array : leading(array, start, size);
    }

    /** Rows of part {@code p} of an array whose first dimension is the batch (or {@code null}). */
    INDArray part(INDArray array, int p) {
        return part(array, from[p], from[p + 1] - from[p], parts.size());
    }

    int count() {
        return parts.size();
    }

    /** Runs {@code loop(p)} for every part, on {@link KernelThreads}. */
    void run(IntConsumer loop) {
        KernelThreads.run(parts.size(), loop);
    }

    /**
     * Runs the forward {@code loop(p)} of every part, on {@link KernelThreads}, each part first copying its sequences
     * of the input if that was left to it ({@link InputProjection#copyColumns}).
     */
    void runForward(IntConsumer loop) {
        run(p -> {
            SequencePass seq = parts.get(p);
            projection.copyColumns(seq.column, seq.batch);
            loop.accept(p);
        });
    }

    /** The NCW output, once the parts' loops have written their columns of the store: zeroed where masked. */
    void finish() {
        output = StepMajorLayout.maskedOutput(stored, mask);
    }

    /** Outputs {@code [B, H, T]} after {@link #finish}. */
    INDArray output() {
        return output;
    }

    /** {@code h} after the last step, {@code [B, H]}. */
    INDArray lastHidden() {
        return rows(parts.stream().map(SequencePass::lastHidden).toList());
    }

    /** The parts' {@code [B_p, F]} arrays stacked into one {@code [B, F]} array. */
    INDArray rows(List<INDArray> partRows) {
        return partRows.size() == 1 ? partRows.get(0) : Nd4j.concat(0, partRows.toArray(INDArray[]::new));
    }

    /** Checks that {@code dL/d output} has the output's shape {@code [B, H, T]} before it is split. */
    private void checkOutputGradient(String cell, INDArray epsilon) {
        SequencePass first = parts.get(0);
        long batch = from[parts.size()];
        Preconditions.checkArgument(epsilon.rank() == 3 && epsilon.size(0) == batch
                        && epsilon.size(1) == first.hidden && epsilon.size(2) == first.steps,
                "%s epsilon must be [minibatch=%s, nOut=%s, time=%s], got %ndShape", cell, batch, first.hidden,
                first.steps, epsilon);
    }

    /**
     * What the backward loop of one part starts from and writes into: the part; its parameter gradient arrays
     * ({@code gradients} itself for part 0, zeroed arrays of the same shapes for the others, summed by
     * {@link #finishBackward}), of which the weights' accumulate in the loop ({@code inputWeightGradientT} is the
     * memory of {@code dL/dW}) and the bias's in {@code biasGradient}; {@code dL/d output} as step blocks; the
     * carried {@code dL/dh} and (LSTM) {@code dL/dc}, {@code [H, B]}; and the whole batch's input gradient, of
     * which the part writes its columns.
     */
    record PartGradients(SequencePass pass, GateWeights gradients, NativeArray outputGrad, INDArray dh, INDArray dc,
                         NativeArray inputWeightGradientT, double[] biasGradient, NativeArray inputGradient) {
    }

    /**
     * Sets up {@link PartGradients} for part {@code p} of a backward pass reaching down to step {@code first};
     * {@code withCell} for an LSTM's {@code dL/dc}.
     */
    PartGradients startBackward(String cell, int p, GateWeights gradients, INDArray epsilon,
                                RecurrentState lastStateGradient, boolean withCell, int first,
                                LayerWorkspaceMgr workspaces) {
        if (p == 0) {
            checkOutputGradient(cell, epsilon);
            inputGradient = projection.startBackward(first, workspaces);
        }
        SequencePass pass = parts.get(p);
        GateWeights partGradients = p == 0 ? gradients : new GateWeights(zerosLike(gradients.w(), workspaces),
                zerosLike(gradients.rw(), workspaces), zerosLike(gradients.b(), workspaces),
                gradients.rb() == null ? null : zerosLike(gradients.rb(), workspaces));
        NativeArray outputGrad = NativeArray.of(pass.outputGradient(cell, partGradients, part(epsilon, p),
                workspaces));
        INDArray dh = pass.carriedStateGradient(lastStateGradient == null ? null : part(lastStateGradient.h(), p),
                workspaces);
        INDArray dc = !withCell ? null : pass.carriedStateGradient(lastStateGradient == null ? null
                : part(lastStateGradient.c(), p), workspaces);
        partGradients.rw().assign(0.0);
        partGradients.w().assign(0.0);
        return new PartGradients(pass, partGradients, outputGrad, dh, dc, NativeArray.of(partGradients.w()),
                new double[(int) gradients.b().length()], NativeArray.of(inputGradient));
    }

    private static INDArray zerosLike(INDArray array, LayerWorkspaceMgr workspaces) {
        return workspaces.create(ArrayType.BP_WORKING_MEM, array.dataType(), array.shape(), array.ordering());
    }

    /**
     * After the parts' backward loops: the bias gradients, the parts' parameter gradients summed into part 0's,
     * and the input and initial-state gradients of the whole batch.
     */
    RecurrentKernel.InputGradients finishBackward(List<PartGradients> partGradients) {
        List<INDArray> hGradients = new ArrayList<>();
        List<INDArray> cGradients = new ArrayList<>();
        for (PartGradients part : partGradients) {
            INDArray b = part.gradients().b();
            b.assign(Nd4j.createFromArray(part.biasGradient()).castTo(b.dataType()).reshape(b.shape()));
            hGradients.add(part.dh().transpose());
            if (part.dc() != null) {
                cGradients.add(part.dc().transpose());
            }
        }
        GateWeights gradients = partGradients.get(0).gradients();
        for (PartGradients other : partGradients.subList(1, partGradients.size())) {
            gradients.w().addi(other.gradients().w());
            gradients.rw().addi(other.gradients().rw());
            gradients.b().addi(other.gradients().b());
            if (gradients.rb() != null) {
                gradients.rb().addi(other.gradients().rb());
            }
        }
        return new RecurrentKernel.InputGradients(inputGradient,
                () -> new RecurrentState(rows(hGradients), cGradients.isEmpty() ? null : rows(cGradients)));
    }
}
