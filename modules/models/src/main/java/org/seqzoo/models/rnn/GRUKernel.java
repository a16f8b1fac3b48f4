package org.seqzoo.models.rnn;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Objects;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GRU forward and backward recurrences over whole sequences (the equations in {@link GRU}), free of DL4J
 * layer plumbing so that layers and graph vertices (e.g. seq2seq decoders, which need an initial state and
 * its gradient) share one implementation.
 *
 * <p>Layout, with {@code B} the minibatch, {@code T} the steps and {@code H} the hidden size: every per-step
 * quantity is stored time-major, as rows {@code t·B … t·B+B-1} of a C-order matrix, so one step is one
 * contiguous block. The input projections of all steps are one matrix multiply, {@code Z = X·W + b}
 * ({@code [T·B, 3H]}); each step then adds only its recurrent product and applies the gates in place.
 * In the backward pass {@code Z} is overwritten by {@code dL/dZ}, so the weight, bias and input gradients
 * are again one matrix multiply (or reduction) each after the loop.
 *
 * <p>Masks ({@code [B, T]}, 1 = real step) keep the state through padded steps
 * ({@code h_t = m_t h~_t + (1 - m_t) h_{t-1}}, exact for 0/1 masks) and zero the output there.
 */
public final class GRUKernel {

    /**
     * The GRU parameters (or their gradients), as laid out by {@link GRUParamInitializer}:
     * {@code w [nIn, 3H]}, {@code rw [H, 3H]}, {@code b [1, 3H]}, and {@code rb [1, H]} only when reset-after.
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

    /** Gradients of the backward pass that do not go to parameters. */
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
        private final INDArray inputRows;
        private final INDArray preActivations;
        private final INDArray gates;
        private final INDArray states;
        private final INDArray recurrent;
        private final INDArray mask;
        private final long batch;
        private final long steps;

        private ForwardPass(INDArray output, INDArray inputRows, INDArray preActivations, INDArray gates,
                            INDArray states, INDArray recurrent, INDArray mask, long batch, long steps) {
            this.output = output;
            this.inputRows = inputRows;
            this.preActivations = preActivations;
            this.gates = gates;
            this.states = states;
            this.recurrent = recurrent;
            this.mask = mask;
            this.batch = batch;
            this.steps = steps;
        }

        /** Outputs {@code [B, H, T]} (NCW), zero at masked steps. */
        public INDArray output() {
            return output;
        }

        /** State after the last step {@code [B, H]}: after each sequence's last real step when masked. */
        public INDArray lastState() {
            return rows(states, steps * batch, batch);
        }
    }

    /**
     * Runs the recurrence over a whole sequence.
     *
     * @param weights     parameters (see {@link Weights})
     * @param input       {@code [B, nIn, T]}, any ordering
     * @param initialState {@code [B, H]} or {@code null} for zeros
     * @param mask        {@code [B, T]} of 0/1, or {@code null} when every step is real
     * @param training    passed to the activation functions
     * @param forBackprop whether {@link #backward} will follow (keeps its arrays in BP working memory)
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
        INDArray realMask = mask == null ? null : mask.castTo(type);

        // X as time-major rows [T·B, nIn], then all input projections in one multiply: Z = X·W + b.
        INDArray inputRows = workspaces.createUninitialized(work, type, new long[] {steps, batch, nIn}, 'c');
        inputRows.assign(input.permute(2, 0, 1));
        inputRows = inputRows.reshape('c', steps * batch, nIn);
        INDArray z = workspaces.createUninitialized(work, type, new long[] {steps * batch, 3 * h}, 'c');
        mmul(inputRows, weights.w(), z, false, false, 0.0);
        z.addiRowVector(weights.b());

        INDArray gates = workspaces.createUninitialized(work, type, new long[] {steps * batch, 3 * h}, 'c');
        INDArray states = workspaces.createUninitialized(work, type, new long[] {(steps + 1) * batch, h}, 'c');
        if (initialState == null) {
            rows(states, 0, batch).assign(0.0);
        } else {
            rows(states, 0, batch).assign(initialState);
        }
        // reset-after: U·h_{t-1} per step [T·B, 3H] (its n block + b_un is what r multiplies);
        // reset-before: q_t = r_t ⊙ h_{t-1} per step [T·B, H].
        INDArray recurrent = workspaces.createUninitialized(work, type,
                new long[] {steps * batch, resetAfter ? 3 * h : h}, 'c');
        INDArray scratch = workspaces.createUninitialized(work, type, new long[] {batch, h}, 'c');
        INDArray scratchRz = resetAfter ? null
                : workspaces.createUninitialized(work, type, new long[] {batch, 2 * h}, 'c');
        INDArray keepMask = realMask == null ? null : realMask.rsub(1.0);

        INDArray uRz = cols(weights.rw(), 0, 2 * h);
        INDArray uN = cols(weights.rw(), 2 * h, h);
        for (long t = 0; t < steps; t++) {
            INDArray hPrev = rows(states, t * batch, batch);
            INDArray hNext = rows(states, (t + 1) * batch, batch);
            INDArray zt = rows(z, t * batch, batch);
            INDArray at = rows(gates, t * batch, batch);
            INDArray zRz = cols(zt, 0, 2 * h);
            INDArray zN = cols(zt, 2 * h, h);
            INDArray aRz = cols(at, 0, 2 * h);
            INDArray aR = cols(at, 0, h);
            INDArray aZ = cols(at, h, h);
            INDArray aN = cols(at, 2 * h, h);

            if (resetAfter) {
                INDArray rec = rows(recurrent, t * batch, batch);
                mmul(hPrev, weights.rw(), rec, false, false, 0.0);
                zRz.addi(cols(rec, 0, 2 * h));
                aRz.assign(zRz);
                gateFn.getActivation(aRz, training);
                INDArray recN = cols(rec, 2 * h, h);
                recN.addiRowVector(weights.rb());
                aR.mul(recN, scratch);
                zN.addi(scratch);
            } else {
                mmul(hPrev, uRz, scratchRz, false, false, 0.0);
                zRz.addi(scratchRz);
                aRz.assign(zRz);
                gateFn.getActivation(aRz, training);
                INDArray q = rows(recurrent, t * batch, batch);
                aR.mul(hPrev, q);
                mmul(q, uN, scratch, false, false, 0.0);
                zN.addi(scratch);
            }
            aN.assign(zN);
            candidateFn.getActivation(aN, training);

            // h_t = n + z ⊙ (h_{t-1} - n)
            hPrev.sub(aN, scratch);
            scratch.muli(aZ);
            aN.add(scratch, hNext);
            if (realMask != null) {
                hNext.muliColumnVector(realMask.getColumn(t, true));
                scratch.assign(hPrev).muliColumnVector(keepMask.getColumn(t, true));
                hNext.addi(scratch);
            }
        }

        INDArray output = workspaces.createUninitialized(ArrayType.ACTIVATIONS, type, new long[] {batch, h, steps}, 'f');
        output.assign(rows(states, batch, steps * batch).reshape('c', steps, batch, h).permute(1, 2, 0));
        if (realMask != null) {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(output, realMask, output, 0, 2));
        }
        return new ForwardPass(output, inputRows, z, gates, states, recurrent, realMask, batch, steps);
    }

    /**
     * Backpropagates through a forward pass that was run with {@code forBackprop = true}, writing parameter
     * gradients into {@code gradients} (overwritten, not accumulated) and consuming the pass's arrays.
     *
     * @param epsilon          {@code dL/d output} {@code [B, H, T]}
     * @param lastStateGradient {@code dL/d lastState} {@code [B, H]} from outside (e.g. a decoder fed by this
     *                          state), or {@code null}
     * @param backLength       truncated BPTT: steps to go back from the end; {@code <= 0} for all
     * @return {@code dL/d input} {@code [B, nIn, T]} (in the activation-gradient workspace) and
     *         {@code dL/d initialState} {@code [B, H]} (zero influence beyond a truncation)
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
        INDArray dh = workspaces.create(work, type, new long[] {batch, h}, 'c');
        if (lastStateGradient != null) {
            dh.assign(lastStateGradient);
        }
        INDArray dn = workspaces.createUninitialized(work, type, new long[] {batch, h}, 'c');
        INDArray carried = pass.mask == null ? null : workspaces.createUninitialized(work, type, new long[] {batch, h}, 'c');
        INDArray dq = resetAfter ? null : workspaces.createUninitialized(work, type, new long[] {batch, h}, 'c');
        INDArray dRz = workspaces.createUninitialized(work, type, new long[] {batch, 2 * h}, 'c');
        INDArray dR = cols(dRz, 0, h);
        INDArray dZ = cols(dRz, h, h);
        INDArray keepMask = pass.mask == null ? null : pass.mask.rsub(1.0);
        INDArray epsTimeMajor = epsilon.permute(2, 0, 1);

        INDArray uRz = cols(weights.rw(), 0, 2 * h);
        INDArray uN = cols(weights.rw(), 2 * h, h);
        long first = backLength > 0 ? Math.max(0, steps - backLength) : 0;
        for (long t = steps - 1; t >= first; t--) {
            INDArray hPrev = rows(pass.states, t * batch, batch);
            INDArray zt = rows(z, t * batch, batch);
            INDArray at = rows(pass.gates, t * batch, batch);
            INDArray zRz = cols(zt, 0, 2 * h);
            INDArray zN = cols(zt, 2 * h, h);
            INDArray aR = cols(at, 0, h);
            INDArray aZ = cols(at, h, h);
            INDArray aN = cols(at, 2 * h, h);

            // dh: dL/dh_t. Output y_t = m_t h_t, and m_t² = m_t, so adding epsilon unmasked is exact.
            dh.addi(epsTimeMajor.get(point(t), all(), all()));
            if (pass.mask != null) {
                carried.assign(dh).muliColumnVector(keepMask.getColumn(t, true));
                dh.muliColumnVector(pass.mask.getColumn(t, true));
            }
            // h~ = n + z ⊙ (h_{t-1} - n): dn = dh ⊙ (1 - z), dz = dh ⊙ (h_{t-1} - n), dh_{t-1} = dh ⊙ z + ...
            aZ.rsub(1.0, dn).muli(dh);
            hPrev.sub(aN, dZ).muli(dh);
            dh.muli(aZ);
            backpropInPlace(candidateFn, zN, dn);                 // zN := dL/dz_n
            if (resetAfter) {
                INDArray rec = rows(pass.recurrent, t * batch, batch);
                INDArray recN = cols(rec, 2 * h, h);               // U_n h_{t-1} + b_un
                zN.mul(recN, dR);                                  // dr = da_n ⊙ (U_n h + b_un)
                zN.mul(aR, recN);                                  // recN := dL/d(U_n h + b_un)
                backpropInPlace(gateFn, zRz, dRz);                 // zRz := dL/dz_{r,z}
                cols(rec, 0, 2 * h).assign(zRz);                   // rec := dL/d(U h_{t-1})
                mmul(rec, weights.rw(), dh, false, true, 1.0);
            } else {
                mmul(zN, uN, dq, false, true, 0.0);                // dq = da_n · U_nᵀ, q = r ⊙ h_{t-1}
                hPrev.mul(dq, dR);                                 // dr = dq ⊙ h_{t-1}
                dh.addi(dq.muli(aR));                              // dh_{t-1} += dq ⊙ r
                backpropInPlace(gateFn, zRz, dRz);                 // zRz := dL/dz_{r,z}
                mmul(zRz, uRz, dh, false, true, 1.0);
            }
            if (pass.mask != null) {
                dh.addi(carried);
            }
        }
        if (first > 0) {
            rows(z, 0, first * batch).assign(0.0);
            if (resetAfter) {
                rows(pass.recurrent, 0, first * batch).assign(0.0);
            }
        }

        // z now holds dL/dZ for every step: parameter and input gradients in one product each.
        mmul(pass.inputRows, z, gradients.w(), true, false, 0.0);
        gradients.b().assign(z.sum(true, 0));
        INDArray previousStates = rows(pass.states, 0, steps * batch);
        if (resetAfter) {
            mmul(previousStates, pass.recurrent, gradients.rw(), true, false, 0.0);
            gradients.rb().assign(cols(pass.recurrent, 2 * h, h).sum(true, 0));
        } else {
            mmul(previousStates, cols(z, 0, 2 * h), cols(gradients.rw(), 0, 2 * h), true, false, 0.0);
            mmul(pass.recurrent, cols(z, 2 * h, h), cols(gradients.rw(), 2 * h, h), true, false, 0.0);
        }
        long nIn = weights.w().size(0);
        INDArray inputGradRows = workspaces.createUninitialized(work, type, new long[] {steps * batch, nIn}, 'c');
        mmul(z, weights.w(), inputGradRows, false, true, 0.0);
        INDArray inputGrad = workspaces.createUninitialized(ArrayType.ACTIVATION_GRAD, type,
                new long[] {batch, nIn, steps}, 'f');
        inputGrad.assign(inputGradRows.reshape('c', steps, batch, nIn).permute(1, 2, 0));
        return new InputGradients(inputGrad, dh);
    }

    /** {@code pre := dL/d pre}, given {@code dL/d activation(pre)}. */
    private static void backpropInPlace(IActivation fn, INDArray pre, INDArray activationGradient) {
        INDArray result = fn.backprop(pre, activationGradient).getFirst();
        if (result != pre) {
            pre.assign(result);
        }
    }

    /** {@code c = op(a)·op(b) + beta·c}; operands and result may be strided views. */
    private static void mmul(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
        Nd4j.exec(new Mmul(a, b, c, 1.0, beta,
                MMulTranspose.builder().transposeA(transA).transposeB(transB).build()));
    }

    private static INDArray rows(INDArray matrix, long from, long count) {
        return matrix.get(interval(from, from + count), all());
    }

    private static INDArray cols(INDArray matrix, long from, long count) {
        return matrix.get(all(), interval(from, from + count));
    }
}
