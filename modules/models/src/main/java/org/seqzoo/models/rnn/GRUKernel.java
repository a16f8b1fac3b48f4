package org.seqzoo.models.rnn;

import java.util.Objects;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GRU forward and backward recurrences over whole sequences (the equations in {@link GRU}), free of DL4J
 * layer plumbing so that layers and graph vertices (e.g. seq2seq decoders, which need an initial state and
 * its gradient) share one implementation.
 *
 * <p>Layout. With {@code B} the minibatch, {@code T} the steps and {@code H} the hidden size, every per-step
 * quantity is a C-order block {@code [features, B]} (one column per sequence), and a sequence of them is the
 * matrix {@code [T·features, B]} whose step {@code t} is rows {@code t·features …}. So each step and each
 * gate within it ({@code r | z | n}, {@code H} rows each) is one contiguous block: ND4J's element-wise ops
 * take their fast path, and one recurrent product {@code Uᵀ·h_{t-1}} ({@code [3H, B]}) per step serves all
 * three gates. This is also DL4J's NCW layout read backwards: an {@code 'f'}-order {@code [B, H, T]}
 * activation array is exactly a C-order {@code [T, H, B]} one.
 *
 * <p>The input projections of all steps are one matrix multiply before the loop,
 * {@code Z = Wᵀ·X + b} ({@code [3H, T·B]}, rearranged once to step-major); each step then adds its
 * recurrent product and applies the gates. The backward pass overwrites {@code Z} with {@code dL/dZ}, so
 * the input-weight, bias and input gradients are again one product (or reduction) each after the loop.
 *
 * <p>Masks ({@code [B, T]}, 1 = real step) keep the state through padded steps
 * ({@code h_t = m_t h~_t + (1 - m_t) h_{t-1}}, exact for 0/1 masks) and zero the output there.
 */
public final class GRUKernel {

    /**
     * The GRU parameters (or their gradients), as laid out by {@link GRUParamInitializer}:
     * {@code w [nIn, 3H]}, {@code rw [H, 3H]} (both {@code 'f'} order), {@code b [1, 3H]}, and {@code rb [1, H]}
     * only when reset-after.
     */
    public record Weights(INDArray w, INDArray rw, INDArray b, INDArray rb) {
        public Weights {
            Objects.requireNonNull(w, "w");
            Objects.requireNonNull(rw, "rw");
            Objects.requireNonNull(b, "b");
        }

        long hidden() {
            return rw.size(0);
        }
    }

    /** Gradients of the backward pass that do not go to parameters: {@code [B, nIn, T]} and {@code [B, H]}. */
    public record InputGradients(INDArray input, INDArray initialState) {
    }

    private final boolean resetAfter;
    private final IActivation gateFn;
    private final IActivation candidateFn;

    public GRUKernel(boolean resetAfter, IActivation gateFn, IActivation candidateFn) {
        this.resetAfter = resetAfter;
        this.gateFn = Objects.requireNonNull(gateFn, "gateFn");
        this.candidateFn = Objects.requireNonNull(candidateFn, "candidateFn");
    }

    /** The kernel for a configured {@link GRU} layer. */
    public static GRUKernel of(GRU conf) {
        return new GRUKernel(conf.isResetAfter(), conf.getGateActivationFn(), conf.getActivationFn());
    }

    /**
     * What one forward pass computed and, when run for backprop, everything the backward pass reads. Arrays
     * live in the workspaces the pass was given (valid until those close).
     */
    public static final class ForwardPass {
        private final INDArray output;
        private final INDArray inputColumns;
        private final INDArray preActivations;
        private final INDArray gates;
        private final INDArray states;
        private final INDArray recurrent;
        private final MaskTiles mask;
        private final long batch;
        private final long steps;
        private final long hidden;

        private ForwardPass(INDArray output, INDArray inputColumns, INDArray preActivations, INDArray gates,
                            INDArray states, INDArray recurrent, MaskTiles mask, long batch, long steps,
                            long hidden) {
            this.output = output;
            this.inputColumns = inputColumns;
            this.preActivations = preActivations;
            this.gates = gates;
            this.states = states;
            this.recurrent = recurrent;
            this.mask = mask;
            this.batch = batch;
            this.steps = steps;
            this.hidden = hidden;
        }

        /** Outputs {@code [B, H, T]} (NCW, {@code 'f'} order), zero at masked steps. */
        public INDArray output() {
            return output;
        }

        /** State after the last step {@code [B, H]}: after each sequence's last real step when masked. */
        public INDArray lastState() {
            return rows(states, steps * hidden, hidden).transpose();
        }
    }

    /**
     * The mask broadcast to state blocks, {@code [T·H, B]}: {@code keep} ({@code m}) and {@code carry}
     * ({@code 1 - m}), so per-step masking is a contiguous element-wise product.
     */
    private record MaskTiles(INDArray keep, INDArray carry) {
        static MaskTiles of(INDArray mask, long steps, long hidden, long batch, DataType type, ArrayType work,
                            LayerWorkspaceMgr workspaces) {
            if (mask == null) {
                return null;
            }
            INDArray keep = workspaces.createUninitialized(work, type, new long[] {steps, hidden, batch}, 'c');
            // keep[t, k, b] = mask[b, t] for every k.
            keep.assign(mask.castTo(type).transpose().reshape(steps, 1, batch).broadcast(steps, hidden, batch));
            INDArray carry = workspaces.createUninitialized(work, type, new long[] {steps, hidden, batch}, 'c');
            keep.rsub(1.0, carry);
            return new MaskTiles(keep.reshape('c', steps * hidden, batch), carry.reshape('c', steps * hidden, batch));
        }
    }

    /**
     * Runs the recurrence over a whole sequence.
     *
     * @param weights      parameters (see {@link Weights})
     * @param input        {@code [B, nIn, T]}, any ordering
     * @param initialState {@code [B, H]} or {@code null} for zeros
     * @param mask         {@code [B, T]} of 0/1, or {@code null} when every step is real
     * @param training     passed to the activation functions
     * @param forBackprop  whether {@link #backward} will follow (keeps its arrays in BP working memory)
     */
    public ForwardPass forward(Weights weights, INDArray input, INDArray initialState, INDArray mask,
                               boolean training, boolean forBackprop, LayerWorkspaceMgr workspaces) {
        long h = weights.hidden();
        long nIn = weights.w().size(0);
        Preconditions.checkArgument(input.rank() == 3 && input.size(1) == nIn,
                "GRU input must be [minibatch, nIn=%s, time], got %ndShape", nIn, input);
        long batch = input.size(0);
        long steps = input.size(2);
        Preconditions.checkArgument(initialState == null
                        || (initialState.rank() == 2 && initialState.size(0) == batch && initialState.size(1) == h),
                "GRU initial state must be [minibatch=%s, nOut=%s], got %ndShape (rnnTimeStep with a different"
                        + " minibatch size, or forgot rnnClearPreviousState?)", batch, h, initialState);
        Preconditions.checkArgument(mask == null || (mask.size(0) == batch && mask.size(1) == steps),
                "GRU mask must be [minibatch=%s, time=%s], got %ndShape", batch, steps, mask);

        DataType type = weights.w().dataType();
        ArrayType work = forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.FF_WORKING_MEM;

        // All input projections in one multiply: Z = Wᵀ·X + b over columns (t, b), then step-major.
        INDArray inputColumns = workspaces.createUninitialized(work, type, new long[] {nIn, steps, batch}, 'c');
        inputColumns.assign(input.permute(1, 2, 0));
        inputColumns = inputColumns.reshape('c', nIn, steps * batch);
        INDArray projected = workspaces.createUninitialized(work, type, new long[] {3 * h, steps * batch}, 'c');
        mmul(weights.w(), inputColumns, projected, true, false, 0.0);
        projected.addiColumnVector(weights.b().reshape(3 * h, 1));
        INDArray z = workspaces.createUninitialized(work, type, new long[] {steps, 3 * h, batch}, 'c');
        z.assign(projected.reshape('c', 3 * h, steps, batch).permute(1, 0, 2));
        z = z.reshape('c', steps * 3 * h, batch);

        INDArray gates = workspaces.createUninitialized(work, type, new long[] {steps * 3 * h, batch}, 'c');
        INDArray states = workspaces.createUninitialized(work, type, new long[] {(steps + 1) * h, batch}, 'c');
        if (initialState == null) {
            rows(states, 0, h).assign(0.0);
        } else {
            rows(states, 0, h).assign(initialState.transpose());
        }
        // reset-after: Uᵀ·h_{t-1} per step [3H, B], its n block plus b_un being what r multiplies;
        // reset-before: q_t = r_t ⊙ h_{t-1} per step [H, B].
        INDArray recurrent = workspaces.createUninitialized(work, type,
                new long[] {steps * (resetAfter ? 3 * h : h), batch}, 'c');
        INDArray scratch = workspaces.createUninitialized(work, type, new long[] {h, batch}, 'c');
        INDArray scratchRz = resetAfter ? null
                : workspaces.createUninitialized(work, type, new long[] {2 * h, batch}, 'c');
        INDArray recurrentBias = null;
        if (resetAfter) {
            recurrentBias = workspaces.createUninitialized(work, type, new long[] {h, batch}, 'c');
            recurrentBias.assign(weights.rb().reshape(h, 1).broadcast(h, batch));
        }
        MaskTiles tiles = MaskTiles.of(mask, steps, h, batch, type, work, workspaces);

        INDArray u = columnMajor(weights.rw());
        INDArray uRz = cols(u, 0, 2 * h);
        INDArray uN = cols(u, 2 * h, h);
        for (long t = 0; t < steps; t++) {
            INDArray hPrev = rows(states, t * h, h);
            INDArray hNext = rows(states, (t + 1) * h, h);
            INDArray zRz = rows(z, t * 3 * h, 2 * h);
            INDArray zN = rows(z, t * 3 * h + 2 * h, h);
            INDArray aRz = rows(gates, t * 3 * h, 2 * h);
            INDArray aR = rows(gates, t * 3 * h, h);
            INDArray aZ = rows(gates, t * 3 * h + h, h);
            INDArray aN = rows(gates, t * 3 * h + 2 * h, h);

            if (resetAfter) {
                INDArray rec = rows(recurrent, t * 3 * h, 3 * h);
                mmul(u, hPrev, rec, true, false, 0.0);
                zRz.addi(rows(rec, 0, 2 * h));
                aRz.assign(zRz);
                gateFn.getActivation(aRz, training);
                INDArray recN = rows(rec, 2 * h, h);
                recN.addi(recurrentBias);
                aR.mul(recN, scratch);
            } else {
                mmul(uRz, hPrev, scratchRz, true, false, 0.0);
                zRz.addi(scratchRz);
                aRz.assign(zRz);
                gateFn.getActivation(aRz, training);
                INDArray q = rows(recurrent, t * h, h);
                aR.mul(hPrev, q);
                mmul(uN, q, scratch, true, false, 0.0);
            }
            zN.addi(scratch);
            aN.assign(zN);
            candidateFn.getActivation(aN, training);

            // h_t = n + z ⊙ (h_{t-1} - n)
            hPrev.sub(aN, scratch);
            scratch.mul(aZ, hNext);
            hNext.addi(aN);
            if (tiles != null) {
                hNext.muli(rows(tiles.keep(), t * h, h));
                hPrev.mul(rows(tiles.carry(), t * h, h), scratch);
                hNext.addi(scratch);
            }
        }

        // Output [B, H, T] in 'f' order is [T, H, B] in C order: the states after each step, masked.
        INDArray output = workspaces.createUninitialized(ArrayType.ACTIVATIONS, type, new long[] {batch, h, steps}, 'f');
        INDArray outputSteps = output.permute(2, 1, 0);
        INDArray after = rows(states, h, steps * h);
        if (tiles == null) {
            outputSteps.assign(after.reshape('c', steps, h, batch));
        } else {
            outputSteps.assign(after.mul(tiles.keep()).reshape('c', steps, h, batch));
        }
        return new ForwardPass(output, inputColumns, z, gates, states, recurrent, tiles, batch, steps, h);
    }

    /**
     * Backpropagates through a forward pass that was run with {@code forBackprop = true}, writing parameter
     * gradients into {@code gradients} (overwritten, not accumulated) and consuming the pass's arrays.
     *
     * @param epsilon           {@code dL/d output} {@code [B, H, T]}
     * @param lastStateGradient {@code dL/d lastState} {@code [B, H]} from outside (e.g. a decoder fed by this
     *                          state), or {@code null}
     * @param backLength        truncated BPTT: steps to go back from the end; {@code <= 0} for all
     * @return {@code dL/d input} {@code [B, nIn, T]} (in the activation-gradient workspace) and
     *         {@code dL/d initialState} {@code [B, H]} (the gradient at the truncation point if truncated)
     */
    public InputGradients backward(Weights weights, Weights gradients, ForwardPass pass, INDArray epsilon,
                                   INDArray lastStateGradient, int backLength, LayerWorkspaceMgr workspaces) {
        long h = weights.hidden();
        long batch = pass.batch;
        long steps = pass.steps;
        Preconditions.checkArgument(epsilon.rank() == 3 && epsilon.size(0) == batch && epsilon.size(1) == h
                        && epsilon.size(2) == steps,
                "GRU epsilon must be [minibatch=%s, nOut=%s, time=%s], got %ndShape", batch, h, steps, epsilon);
        DataType type = weights.w().dataType();
        ArrayType work = ArrayType.BP_WORKING_MEM;
        INDArray z = pass.preActivations;
        INDArray epsRows = workspaces.createUninitialized(work, type, new long[] {steps, h, batch}, 'c');
        epsRows.assign(epsilon.permute(2, 1, 0));
        epsRows = epsRows.reshape('c', steps * h, batch);

        INDArray dh = workspaces.create(work, type, new long[] {h, batch}, 'c');
        if (lastStateGradient != null) {
            dh.assign(lastStateGradient.transpose());
        }
        INDArray dhMixed = workspaces.createUninitialized(work, type, new long[] {h, batch}, 'c');
        INDArray dn = workspaces.createUninitialized(work, type, new long[] {h, batch}, 'c');
        INDArray scratch = workspaces.createUninitialized(work, type, new long[] {h, batch}, 'c');
        INDArray carried = pass.mask == null ? null
                : workspaces.createUninitialized(work, type, new long[] {h, batch}, 'c');
        INDArray dq = resetAfter ? null : workspaces.createUninitialized(work, type, new long[] {h, batch}, 'c');
        INDArray dRz = workspaces.createUninitialized(work, type, new long[] {2 * h, batch}, 'c');
        INDArray dR = rows(dRz, 0, h);
        INDArray dZ = rows(dRz, h, h);

        // dL/dU accumulates per step as its transpose [3H, H] (a C-order view of the 'f'-order [H, 3H]).
        Preconditions.checkArgument(isColumnMajor(gradients.rw()) && isColumnMajor(gradients.w()),
                "GRU weight gradients must be 'f'-order arrays with default strides (DL4J gradient views are)");
        INDArray dUt = gradients.rw().transpose();
        dUt.assign(0.0);
        INDArray u = columnMajor(weights.rw());
        INDArray uRz = cols(u, 0, 2 * h);
        INDArray uN = cols(u, 2 * h, h);
        long first = backLength > 0 ? Math.max(0, steps - backLength) : 0;
        for (long t = steps - 1; t >= first; t--) {
            INDArray hPrev = rows(pass.states, t * h, h);
            INDArray zRz = rows(z, t * 3 * h, 2 * h);
            INDArray zN = rows(z, t * 3 * h + 2 * h, h);
            INDArray aR = rows(pass.gates, t * 3 * h, h);
            INDArray aZ = rows(pass.gates, t * 3 * h + h, h);
            INDArray aN = rows(pass.gates, t * 3 * h + 2 * h, h);

            // dh holds dL/dh_t from later steps. With h_t = m h~_t + (1 - m) h_{t-1} and output y_t = m h_t:
            // dL/dh~_t = m (dh + eps_t), and (1 - m) dh passes to h_{t-1} unchanged.
            if (pass.mask != null) {
                dh.mul(rows(pass.mask.carry(), t * h, h), carried);
                dh.addi(rows(epsRows, t * h, h));
                dh.mul(rows(pass.mask.keep(), t * h, h), dhMixed);
            } else {
                dh.add(rows(epsRows, t * h, h), dhMixed);
            }
            // h~ = n + z ⊙ (h_{t-1} - n): dn = dh~ ⊙ (1 - z), dz = dh~ ⊙ (h_{t-1} - n), dh_{t-1} = dh~ ⊙ z + ...
            aZ.rsub(1.0, scratch);
            scratch.mul(dhMixed, dn);
            hPrev.sub(aN, scratch);
            scratch.mul(dhMixed, dZ);
            dhMixed.mul(aZ, dh);
            backpropInPlace(candidateFn, zN, dn);                  // zN := dL/dz_n
            if (resetAfter) {
                INDArray rec = rows(pass.recurrent, t * 3 * h, 3 * h);
                INDArray recN = rows(rec, 2 * h, h);                // U_n h_{t-1} + b_un
                zN.mul(recN, dR);                                   // dr = dz_n ⊙ (U_n h + b_un)
                zN.mul(aR, recN);                                   // recN := dL/d(U_n h + b_un)
                backpropInPlace(gateFn, zRz, dRz);                  // zRz := dL/dz_{r,z}
                rows(rec, 0, 2 * h).assign(zRz);                    // rec := dL/d(Uᵀ h_{t-1})
                mmul(u, rec, dh, false, false, 1.0);                // dh_{t-1} += U · rec
                mmul(rec, hPrev, dUt, false, true, 1.0);            // dUᵀ += rec · h_{t-1}ᵀ
            } else {
                INDArray q = rows(pass.recurrent, t * h, h);        // r ⊙ h_{t-1}
                mmul(uN, zN, dq, false, false, 0.0);                // dq = U_n · dz_n
                dq.mul(hPrev, dR);                                  // dr = dq ⊙ h_{t-1}
                dq.mul(aR, scratch);                                // dh_{t-1} += dq ⊙ r
                dh.addi(scratch);
                backpropInPlace(gateFn, zRz, dRz);
                mmul(uRz, zRz, dh, false, false, 1.0);
                mmul(zRz, hPrev, rows(dUt, 0, 2 * h), false, true, 1.0);
                mmul(zN, q, rows(dUt, 2 * h, h), false, true, 1.0);
            }
            if (carried != null) {
                dh.addi(carried);
            }
        }
        if (first > 0) {
            rows(z, 0, first * 3 * h).assign(0.0);
        }
        if (resetAfter) {
            // Σ over steps ≥ first and the batch of the n blocks, which now hold dL/d(U_n h + b_un).
            INDArray recN = view(pass.recurrent, new long[] {steps - first, h, batch},
                    new long[] {3 * h * batch, batch, 1}, (first * 3 * h + 2 * h) * batch);
            gradients.rb().assign(recN.sum(0, 2).reshape(1, h));
        }

        // z now holds dL/dZ for every step: input weights, bias and input gradients in one product each.
        INDArray dzColumns = workspaces.createUninitialized(work, type, new long[] {3 * h, steps, batch}, 'c');
        dzColumns.assign(z.reshape('c', steps, 3 * h, batch).permute(1, 0, 2));
        dzColumns = dzColumns.reshape('c', 3 * h, steps * batch);
        mmul(dzColumns, pass.inputColumns, gradients.w().transpose(), false, true, 0.0);
        gradients.b().assign(dzColumns.sum(1).reshape(1, 3 * h));
        long nIn = weights.w().size(0);
        INDArray inputGradColumns = workspaces.createUninitialized(work, type, new long[] {nIn, steps * batch}, 'c');
        mmul(weights.w(), dzColumns, inputGradColumns, false, false, 0.0);
        INDArray inputGrad = workspaces.createUninitialized(ArrayType.ACTIVATION_GRAD, type,
                new long[] {batch, nIn, steps}, 'f');
        inputGrad.permute(1, 2, 0).assign(inputGradColumns.reshape('c', nIn, steps, batch));
        return new InputGradients(inputGrad, dh.transpose());
    }

    /** The matrix itself if it is {@code 'f'} order with default strides (as DL4J parameter views are), else a copy. */
    private static INDArray columnMajor(INDArray matrix) {
        return isColumnMajor(matrix) ? matrix : matrix.dup('f');
    }

    private static boolean isColumnMajor(INDArray matrix) {
        return matrix.rank() == 2 && matrix.stride(0) == 1 && matrix.stride(1) == matrix.size(0);
    }

    /** {@code pre := dL/d pre}, given {@code dL/d activation(pre)}. */
    private static void backpropInPlace(IActivation fn, INDArray pre, INDArray activationGradient) {
        INDArray result = fn.backprop(pre, activationGradient).getFirst();
        if (result != pre) {
            pre.assign(result);
        }
    }

    /** {@code c = op(a)·op(b) + beta·c}; operands and result may be (contiguous) views. */
    private static void mmul(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
        Nd4j.exec(new Mmul(a, b, c, 1.0, beta,
                MMulTranspose.builder().transposeA(transA).transposeB(transB).build()));
    }

    /**
     * Rows {@code from … from+count-1} of a C-order matrix with default strides (possibly itself a view).
     * Built directly on the buffer: ND4J's {@code get(interval…)} returned an empty array for some row
     * ranges of transposed parameter views in 1.0.0-M2.1.
     */
    private static INDArray rows(INDArray matrix, long from, long count) {
        long width = matrix.size(1);
        return view(matrix, new long[] {count, width}, new long[] {width, 1}, from * width);
    }

    /** Columns {@code from … from+count-1} of an {@code 'f'}-order matrix with default strides. */
    private static INDArray cols(INDArray matrix, long from, long count) {
        long height = matrix.size(0);
        return view(matrix, new long[] {height, count}, new long[] {1, height}, from * height);
    }

    /** A view of {@code base}'s buffer with the given shape and strides, {@code shift} elements further on. */
    private static INDArray view(INDArray base, long[] shape, long[] strides, long shift) {
        return Nd4j.create(base.data(), shape, strides, base.offset() + shift, strides[strides.length - 1] == 1
                ? 'c' : 'f', base.dataType());
    }
}
