package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.columnMajor;
import static org.seqzoo.models.rnn.Blocks.rows;
import static org.seqzoo.models.rnn.NativeArray.gemm;

import java.util.Objects;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.Nd4jThreads;

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
 * <p>Inside the time loop a step is its recurrent product(s) through OpenBLAS and one pass of Java over the
 * step's gate blocks ({@link NativeArray}); the backward pass takes the activations' derivatives from their
 * stored outputs ({@link ScalarActivation}), so it evaluates no activation function.
 *
 * <p>Masks ({@code [B, T]}, 1 = real step) keep the state through padded steps
 * ({@code h_t = m_t h~_t + (1 - m_t) h_{t-1}}, exact for 0/1 masks) and zero the output there.
 */
public final class GRUKernel implements RecurrentKernel {

    private final boolean resetAfter;
    private final ScalarActivation gateFn;
    private final ScalarActivation candidateFn;

    /**
     * @throws IllegalArgumentException for an activation {@link ScalarActivation} does not cover
     */
    public GRUKernel(boolean resetAfter, IActivation gateFn, IActivation candidateFn) {
        this.resetAfter = resetAfter;
        this.gateFn = ScalarActivation.of(Objects.requireNonNull(gateFn, "gateFn"));
        this.candidateFn = ScalarActivation.of(Objects.requireNonNull(candidateFn, "candidateFn"));
        Nd4jThreads.applyDefaults();
    }

    /** The kernel for a configured {@link GRU} layer. */
    public static GRUKernel of(GRU conf) {
        return new GRUKernel(conf.isResetAfter(), conf.getGateActivationFn(), conf.getActivationFn());
    }

    /**
     * A forward pass: the shared arrays, and per step {@code Uᵀ·h_{t-1}} ({@code [3H, B]}, reset-after, its n block
     * with {@code b_un} added: what r multiplies) or {@code q_t = r_t ⊙ h_{t-1}} ({@code [H, B]}, reset-before).
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
        int h = seq.hidden;
        int batch = seq.batch;
        int hb = h * batch;
        INDArray recurrentArray = seq.block((long) seq.steps * (resetAfter ? 3 * h : h), workspaces);
        NativeArray rec = NativeArray.of(recurrentArray);
        NativeArray u = NativeArray.of(columnMajor(weights.rw()));
        NativeArray z = seq.zMem;
        NativeArray gates = seq.gatesMem;
        NativeArray states = seq.statesMem;
        double[] recurrentBias = resetAfter ? weights.rb().toDoubleVector() : null;
        NativeArray scratch = resetAfter ? null : NativeArray.of(seq.block(3 * h, workspaces));

        for (int t = 0; t < seq.steps; t++) {
            int zt = t * 3 * hb;
            int hp = t * hb;
            int hn = hp + hb;
            if (stepInput != null) {
                stepInput.forward(t, rows(seq.states, (long) t * h, h), rows(seq.z, (long) t * 3 * h, 3 * h));
            }
            if (resetAfter) {
                int rt = t * 3 * hb;
                gemm(false, false, 3 * h, batch, h, 1.0, u, 0, h, states, hp, batch, 0.0, rec, rt, batch);
                for (int i = 0; i < h; i++) {
                    double bias = recurrentBias[i];
                    for (int j = 0, idx = i * batch; j < batch; j++, idx++) {
                        double r = gateFn.apply(z.get(zt + idx) + rec.get(rt + idx));
                        double update = gateFn.apply(z.get(zt + hb + idx) + rec.get(rt + hb + idx));
                        double recN = rec.get(rt + 2 * hb + idx) + bias;
                        rec.set(rt + 2 * hb + idx, recN);
                        double n = candidateFn.apply(z.get(zt + 2 * hb + idx) + r * recN);
                        gates.set(zt + idx, r);
                        gates.set(zt + hb + idx, update);
                        gates.set(zt + 2 * hb + idx, n);
                        states.set(hn + idx, next(seq, t, j, states.get(hp + idx), update, n));
                    }
                }
            } else {
                int qt = t * hb;
                gemm(false, false, 2 * h, batch, h, 1.0, u, 0, h, states, hp, batch, 0.0, scratch, 0, batch);
                for (int idx = 0; idx < 2 * hb; idx++) {
                    gates.set(zt + idx, gateFn.apply(z.get(zt + idx) + scratch.get(idx)));
                }
                for (int idx = 0; idx < hb; idx++) {
                    rec.set(qt + idx, gates.get(zt + idx) * states.get(hp + idx));
                }
                gemm(false, false, h, batch, h, 1.0, u, 2 * h * h, h, rec, qt, batch, 0.0, scratch, 0, batch);
                for (int idx = 0; idx < hb; idx++) {
                    double n = candidateFn.apply(z.get(zt + 2 * hb + idx) + scratch.get(idx));
                    gates.set(zt + 2 * hb + idx, n);
                    states.set(hn + idx, next(seq, t, idx % batch, states.get(hp + idx), gates.get(zt + hb + idx), n));
                }
            }
        }
        seq.finish(workspaces);
        return new ForwardPass(seq, recurrentArray);
    }

    /** {@code h_t = m h~_t + (1 - m) h_{t-1}} with {@code h~_t = n + z ⊙ (h_{t-1} - n)} and {@code m} the mask. */
    private static double next(SequencePass seq, int t, int b, double hPrev, double update, double n) {
        return seq.blend(t, b, n + update * (hPrev - n), hPrev);
    }

    @Override
    public InputGradients backward(GateWeights weights, GateWeights gradients, Pass forwardPass, INDArray epsilon,
                                   RecurrentState lastStateGradient, int backLength, LayerWorkspaceMgr workspaces) {
        ForwardPass forward = (ForwardPass) forwardPass;
        SequencePass pass = forward.sequence();
        NativeArray eps = NativeArray.of(pass.outputGradient("GRU", gradients, epsilon, workspaces));
        int h = pass.hidden;
        int batch = pass.batch;
        int hb = h * batch;
        INDArray dhArray = pass.carriedStateGradient(lastStateGradient == null ? null : lastStateGradient.h(),
                workspaces);
        NativeArray dh = NativeArray.of(dhArray);
        NativeArray carried = NativeArray.of(pass.block(h, workspaces));
        NativeArray dq = resetAfter ? null : NativeArray.of(pass.block(h, workspaces));
        NativeArray rec = NativeArray.of(forward.recurrent());
        NativeArray u = NativeArray.of(columnMajor(weights.rw()));
        NativeArray z = pass.zMem;
        NativeArray gates = pass.gatesMem;
        NativeArray states = pass.statesMem;
        // dL/dU accumulates per step as its transpose [3H, H]: the 'f'-order [H, 3H] gradient's memory.
        gradients.rw().assign(0.0);
        NativeArray dUt = NativeArray.of(gradients.rw());
        double[] recurrentBiasGrad = new double[h];

        int first = pass.firstBackwardStep(backLength);
        for (int t = pass.steps - 1; t >= first; t--) {
            int zt = t * 3 * hb;
            int hp = t * hb;
            // dh holds dL/dh_t from later steps. With h_t = m h~_t + (1 - m) h_{t-1} and output y_t = m h_t:
            // dL/dh~_t = m (dh + eps_t), and (1 - m) dh passes to h_{t-1} unchanged (kept in `carried`).
            // h~ = n + z ⊙ (h_{t-1} - n): dn = dh~ ⊙ (1 - z), dz = dh~ ⊙ (h_{t-1} - n), dh_{t-1} = dh~ ⊙ z + ...
            for (int i = 0; i < h; i++) {
                for (int j = 0, idx = i * batch; j < batch; j++, idx++) {
                    double m = pass.mask(t, j);
                    double later = dh.get(idx);
                    double dMixed = m * (later + eps.get(hp + idx));
                    carried.set(idx, (1.0 - m) * later);
                    double r = gates.get(zt + idx);
                    double update = gates.get(zt + hb + idx);
                    double n = gates.get(zt + 2 * hb + idx);
                    double hPrev = states.get(hp + idx);
                    double dzN = dMixed * (1.0 - update) * candidateFn.derivativeAt(n);
                    z.set(zt + hb + idx, dMixed * (hPrev - n) * gateFn.derivativeAt(update));
                    z.set(zt + 2 * hb + idx, dzN);
                    dh.set(idx, dMixed * update);
                    if (resetAfter) {
                        int rt = t * 3 * hb;
                        double recN = rec.get(rt + 2 * hb + idx);          // U_n h_{t-1} + b_un
                        double dzR = dzN * recN * gateFn.derivativeAt(r);  // dr = dz_n ⊙ (U_n h + b_un)
                        double dRecN = dzN * r;                             // dL/d(U_n h + b_un)
                        z.set(zt + idx, dzR);
                        rec.set(rt + idx, dzR);                             // rec := dL/d(Uᵀ h_{t-1})
                        rec.set(rt + hb + idx, z.get(zt + hb + idx));
                        rec.set(rt + 2 * hb + idx, dRecN);
                        recurrentBiasGrad[i] += dRecN;
                    }
                }
            }
            if (resetAfter) {
                int rt = t * 3 * hb;
                gemm(true, false, h, batch, 3 * h, 1.0, u, 0, h, rec, rt, batch, 1.0, dh, 0, batch);
                gemm(false, true, 3 * h, h, batch, 1.0, rec, rt, batch, states, hp, batch, 1.0, dUt, 0, h);
            } else {
                int qt = t * hb;                                            // q = r ⊙ h_{t-1}
                gemm(true, false, h, batch, h, 1.0, u, 2 * h * h, h, z, zt + 2 * hb, batch, 0.0, dq, 0, batch);
                for (int idx = 0; idx < hb; idx++) {                        // dq = U_n · dz_n
                    double r = gates.get(zt + idx);
                    double hPrev = states.get(hp + idx);
                    z.set(zt + idx, dq.get(idx) * hPrev * gateFn.derivativeAt(r));
                    dh.set(idx, dh.get(idx) + dq.get(idx) * r);
                }
                gemm(true, false, h, batch, 2 * h, 1.0, u, 0, h, z, zt, batch, 1.0, dh, 0, batch);
                gemm(false, true, 2 * h, h, batch, 1.0, z, zt, batch, states, hp, batch, 1.0, dUt, 0, h);
                gemm(false, true, h, h, batch, 1.0, z, zt + 2 * hb, batch, rec, qt, batch, 1.0, dUt, 2 * h * h, h);
            }
            pass.stepInputBackward(t, 3 * h, dhArray);
            if (pass.mask != null) {
                for (int idx = 0; idx < hb; idx++) {
                    dh.set(idx, dh.get(idx) + carried.get(idx));
                }
            }
        }
        if (resetAfter) {
            gradients.rb().assign(Nd4j.createFromArray(recurrentBiasGrad).castTo(pass.type).reshape(1, h));
        }

        // z now holds dL/dZ for every step: input weights, bias and input gradients in one product each.
        INDArray inputGrad = pass.projectBackward(first, 3 * h, weights, gradients, workspaces);
        return new InputGradients(inputGrad, RecurrentState.of(dhArray.transpose()));
    }
}
