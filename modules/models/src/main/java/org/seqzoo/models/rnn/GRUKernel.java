package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.backpropInPlace;
import static org.seqzoo.models.rnn.Blocks.cols;
import static org.seqzoo.models.rnn.Blocks.columnMajor;
import static org.seqzoo.models.rnn.Blocks.mmul;
import static org.seqzoo.models.rnn.Blocks.rows;
import static org.seqzoo.models.rnn.Blocks.view;

import java.util.Objects;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.StepMajorLayout.MaskTiles;

/**
 * The GRU forward and backward recurrences over whole sequences (the equations in {@link GRU}), free of DL4J
 * layer plumbing so that layers and graph vertices (e.g. seq2seq decoders, which need an initial state and
 * its gradient) share one implementation.
 *
 * <p>Layout ({@link StepMajorLayout}): every per-step quantity is a C-order block {@code [features, B]}, so
 * each gate block ({@code r | z | n}, {@code H} rows each) is contiguous and one recurrent product
 * {@code Uᵀ·h_{t-1}} ({@code [3H, B]}) per step serves all three gates. The input projections of all steps
 * are one matrix multiply before the loop, {@code Z = Wᵀ·X + b}; each step adds its recurrent product (and
 * an optional {@link StepInput}) and applies the gates. The backward pass overwrites {@code Z} with
 * {@code dL/dZ}, so the input-weight, bias and input gradients are again one product each after the loop.
 *
 * <p>Masks ({@code [B, T]}, 1 = real step) keep the state through padded steps
 * ({@code h_t = m_t h~_t + (1 - m_t) h_{t-1}}, exact for 0/1 masks) and zero the output there.
 */
public final class GRUKernel implements RecurrentKernel {

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
     * A forward pass: the shared arrays, and per step {@code Uᵀ·h_{t-1}} ({@code [3H, B]}, reset-after; its n
     * block plus {@code b_un} is what r multiplies) or {@code q_t = r_t ⊙ h_{t-1}} ({@code [H, B]}, reset-before).
     */
    record ForwardPass(SequencePass sequence, INDArray recurrent) implements Pass {
        @Override
        public INDArray output() {
            return sequence.output();
        }

        @Override
        public RecurrentState lastState() {
            return RecurrentState.of(sequence.lastHidden());
        }
    }

    @Override
    public ForwardPass forward(GateWeights weights, INDArray input, RecurrentState initialState, INDArray mask,
                               StepInput stepInput, boolean training, boolean forBackprop,
                               LayerWorkspaceMgr workspaces) {
        SequencePass seq = SequencePass.start("GRU", weights, input, initialState, mask, stepInput, forBackprop,
                workspaces);
        long h = seq.hidden;
        long batch = seq.batch;
        long steps = seq.steps;
        INDArray z = seq.z;
        INDArray gates = seq.gates;
        INDArray states = seq.states;
        MaskTiles tiles = seq.mask;
        INDArray recurrent = seq.block(steps * (resetAfter ? 3 * h : h), workspaces);
        INDArray scratch = seq.block(h, workspaces);
        INDArray scratchRz = resetAfter ? null : seq.block(2 * h, workspaces);
        INDArray recurrentBias = null;
        if (resetAfter) {
            recurrentBias = seq.block(h, workspaces);
            recurrentBias.assign(weights.rb().reshape(h, 1).broadcast(h, batch));
        }

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
            if (stepInput != null) {
                stepInput.forward(t, hPrev, rows(z, t * 3 * h, 3 * h));
            }

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
                hNext.muli(tiles.keep(t, h));
                hPrev.mul(tiles.carry(t, h), scratch);
                hNext.addi(scratch);
            }
        }

        seq.finish(workspaces);
        return new ForwardPass(seq, recurrent);
    }

    @Override
    public InputGradients backward(GateWeights weights, GateWeights gradients, Pass forwardPass, INDArray epsilon,
                                   RecurrentState lastStateGradient, int backLength, LayerWorkspaceMgr workspaces) {
        ForwardPass forward = (ForwardPass) forwardPass;
        SequencePass pass = forward.sequence();
        INDArray epsRows = pass.outputGradient("GRU", gradients, epsilon, workspaces);
        long h = pass.hidden;
        long batch = pass.batch;
        long steps = pass.steps;
        INDArray z = pass.z;
        INDArray dh = pass.block(h, workspaces).assign(0.0);
        if (lastStateGradient != null) {
            dh.assign(lastStateGradient.h().transpose());
        }
        INDArray dhMixed = pass.block(h, workspaces);
        INDArray dn = pass.block(h, workspaces);
        INDArray scratch = pass.block(h, workspaces);
        INDArray carried = pass.mask == null ? null
                : pass.block(h, workspaces);
        INDArray dq = resetAfter ? null : pass.block(h, workspaces);
        INDArray dRz = pass.block(2 * h, workspaces);
        INDArray dR = rows(dRz, 0, h);
        INDArray dZ = rows(dRz, h, h);

        // dL/dU accumulates per step as its transpose [3H, H] (a C-order view of the 'f'-order [H, 3H]).
        INDArray dUt = gradients.rw().transpose();
        dUt.assign(0.0);
        INDArray u = columnMajor(weights.rw());
        INDArray uRz = cols(u, 0, 2 * h);
        INDArray uN = cols(u, 2 * h, h);
        long first = pass.firstBackwardStep(backLength);
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
                dh.mul(pass.mask.carry(t, h), carried);
                dh.addi(rows(epsRows, t * h, h));
                dh.mul(pass.mask.keep(t, h), dhMixed);
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
                INDArray rec = rows(forward.recurrent(), t * 3 * h, 3 * h);
                INDArray recN = rows(rec, 2 * h, h);                // U_n h_{t-1} + b_un
                zN.mul(recN, dR);                                   // dr = dz_n ⊙ (U_n h + b_un)
                zN.mul(aR, recN);                                   // recN := dL/d(U_n h + b_un)
                backpropInPlace(gateFn, zRz, dRz);                  // zRz := dL/dz_{r,z}
                rows(rec, 0, 2 * h).assign(zRz);                    // rec := dL/d(Uᵀ h_{t-1})
                mmul(u, rec, dh, false, false, 1.0);                // dh_{t-1} += U · rec
                mmul(rec, hPrev, dUt, false, true, 1.0);            // dUᵀ += rec · h_{t-1}ᵀ
            } else {
                INDArray q = rows(forward.recurrent(), t * h, h);   // r ⊙ h_{t-1}
                mmul(uN, zN, dq, false, false, 0.0);                // dq = U_n · dz_n
                dq.mul(hPrev, dR);                                  // dr = dq ⊙ h_{t-1}
                dq.mul(aR, scratch);                                // dh_{t-1} += dq ⊙ r
                dh.addi(scratch);
                backpropInPlace(gateFn, zRz, dRz);
                mmul(uRz, zRz, dh, false, false, 1.0);
                mmul(zRz, hPrev, rows(dUt, 0, 2 * h), false, true, 1.0);
                mmul(zN, q, rows(dUt, 2 * h, h), false, true, 1.0);
            }
            if (pass.stepInput != null) {
                pass.stepInput.backward(t, hPrev, rows(z, t * 3 * h, 3 * h), dh);
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
            INDArray recN = view(forward.recurrent(), new long[] {steps - first, h, batch},
                    new long[] {3 * h * batch, batch, 1}, (first * 3 * h + 2 * h) * batch);
            gradients.rb().assign(recN.sum(0, 2).reshape(1, h));
        }

        // z now holds dL/dZ for every step: input weights, bias and input gradients in one product each.
        INDArray inputGrad = StepMajorLayout.projectBackward(z, weights.w(), pass.inputColumns, gradients.w(),
                gradients.b(), steps, batch, workspaces);
        return new InputGradients(inputGrad, RecurrentState.of(dh.transpose()));
    }
}
