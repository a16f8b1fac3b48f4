package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.columnMajor;
import static org.seqzoo.models.rnn.Blocks.rowMajor;
import static org.seqzoo.models.rnn.Blocks.rows;
import static org.seqzoo.models.cpu.NativeArray.gemm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.seqzoo.models.cpu.Nd4jThreads;
import org.seqzoo.models.cpu.NativeArray;

/**
 * The GRU forward and backward recurrences over whole sequences (the equations in {@link GRU}), free of DL4J
 * layer plumbing so that layers and graph vertices (e.g. seq2seq decoders, which need an initial state and
 * its gradient) share one implementation.
 *
 * <p>Layout ({@link StepMajorLayout}): every per-step quantity is a C-order block {@code [features, B]}, so
 * each gate block ({@code r | z | n}, {@code H} rows each) is contiguous and one recurrent product
 * {@code Uᵀ·h_{t-1}} ({@code [3H, B]}) per step serves all three gates. Each step projects its input
 * ({@link InputProjection}, {@code z_t = Wᵀ x_t + b}), adds its recurrent product (and an optional
 * {@link StepInput}) and applies the gates; the backward pass overwrites {@code Z} with {@code dL/dZ} and
 * projects it back step by step. The minibatch may be split over threads ({@link BatchParts}).
 *
 * <p>Inside the time loop a step is its recurrent product(s) ({@link NativeArray#gemm}) and a few loops of Java over
 * the step's gate blocks, copied into Java arrays so that the JIT vectorises them; the backward pass takes the
 * activations' derivatives from their stored outputs ({@link ScalarActivation}), so it evaluates no activation
 * function. Each loop is written twice, once per precision, because Java has no generics over primitive arrays:
 * over {@code float[]} for float32 networks (fast activations, twice the SIMD width, no widening copies — the
 * production path) and over {@code double[]} for float64 ones (exact activations — the gradient checks' path).
 * The GEMM calls are shared helpers; FloatLoopsTest checks that both loops compute the same.
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
     * A forward pass: the batch's parts, and for each part per step {@code Uᵀ·h_{t-1}} ({@code [3H, B]},
     * reset-after, its n block with {@code b_un} added: what r multiplies) or {@code q_t = r_t ⊙ h_{t-1}}
     * ({@code [H, B]}, reset-before).
     */
    record ForwardPass(BatchParts split, List<INDArray> recurrent) implements Pass {
        @Override
        public INDArray output() {
            return split.output();
        }

        @Override
        public RecurrentState lastState() {
            return RecurrentState.of(split.lastHidden());
        }
    }

    @Override
    public Pass forward(GateWeights weights, INDArray input, RecurrentState initialState, INDArray mask,
                        StepInput stepInput, boolean training, boolean forBackprop, LayerWorkspaceMgr workspaces) {
        OneDnnCell fused = resetAfter ? OneDnnCell.GRU_RESET_AFTER : OneDnnCell.GRU_RESET_BEFORE;
        if (OneDnnRecurrentInference.applies(fused, input, mask, stepInput, forBackprop, gateFn, candidateFn)) {
            BatchParts.checkArguments("GRU", weights, input, initialState, null);
            return OneDnnRecurrentInference.forward(fused, weights, input, initialState, workspaces);
        }
        BatchParts split = BatchParts.start("GRU", weights, input, initialState, mask, stepInput, forBackprop,
                workspaces);
        NativeArray u = NativeArray.of(columnMajor(weights.rw()));
        INDArray recurrentBias = resetAfter ? weights.rb() : null;
        List<INDArray> recurrent = new ArrayList<>();
        List<NativeArray> scratch = new ArrayList<>();
        for (SequencePass seq : split.parts) {
            recurrent.add(seq.block((long) seq.steps * (resetAfter ? 3 : 1) * seq.hidden, workspaces));
            scratch.add(resetAfter ? null : NativeArray.of(seq.block(3L * seq.hidden, workspaces)));
        }
        split.runForward(p -> {
            SequencePass seq = split.parts.get(p);
            if (seq.fast) {
                forwardLoopFloat(seq, u, recurrentBias == null ? null : recurrentBias.toFloatVector(),
                        NativeArray.of(recurrent.get(p)), scratch.get(p));
            } else {
                forwardLoop(seq, u, recurrentBias == null ? null : recurrentBias.toDoubleVector(),
                        NativeArray.of(recurrent.get(p)), scratch.get(p));
            }
        });
        split.finish();
        return new ForwardPass(split, recurrent);
    }

    /** The time loop of one part of the batch, in double precision with exact activations. */
    private void forwardLoop(SequencePass seq, NativeArray u, double[] recurrentBias, NativeArray rec,
                             NativeArray scratch) {
        int h = seq.hidden;
        int batch = seq.batch;
        int hb = h * batch;
        NativeArray z = seq.zMem;
        NativeArray gates = seq.gatesMem;
        NativeArray states = seq.statesMem;
        // One step's blocks as double[]: gate pre-activations, then activations (r | z | n); recurrent products;
        // h_{t-1} and h_t.
        double[] act = new double[3 * hb];
        double[] recurrent = new double[3 * hb];
        double[] previous = new double[hb];
        double[] next = new double[hb];
        states.read(0, previous, 0, hb);

        for (int t = 0; t < seq.steps; t++) {
            int zt = t * 3 * hb;
            int hp = t * hb;
            seq.projectStep(t);
            z.read(zt, act, 0, 3 * hb);
            seq.projection.addBias(act, batch);
            if (resetAfter) {
                int rt = recurrentProduct(seq, u, rec, t);
                rec.read(rt, recurrent, 0, 3 * hb);
                for (int k = 0; k < 2 * hb; k++) {
                    act[k] += recurrent[k];
                }
                gateFn.apply(act, 0, 2 * hb, false);
                for (int i = 0; i < h; i++) {                        // U_n h_{t-1} + b_un: what r multiplies
                    double bias = recurrentBias[i];
                    for (int k = 2 * hb + i * batch, end = k + batch; k < end; k++) {
                        recurrent[k] += bias;
                    }
                }
                for (int k = 0; k < hb; k++) {
                    act[2 * hb + k] += act[k] * recurrent[2 * hb + k];
                }
                if (seq.forBackprop) {
                    rec.write(rt + 2 * hb, recurrent, 2 * hb, hb);
                }
            } else {
                gateProduct(seq, u, scratch, t);
                scratch.read(0, recurrent, 0, 2 * hb);
                for (int k = 0; k < 2 * hb; k++) {
                    act[k] += recurrent[k];
                }
                gateFn.apply(act, 0, 2 * hb, false);
                for (int k = 0; k < hb; k++) {                       // q = r ⊙ h_{t-1}
                    recurrent[k] = act[k] * previous[k];
                }
                rec.write(t * hb, recurrent, 0, hb);
                candidateProduct(seq, u, rec, scratch, t);
                scratch.read(0, recurrent, 0, hb);
                for (int k = 0; k < hb; k++) {
                    act[2 * hb + k] += recurrent[k];
                }
            }
            candidateFn.apply(act, 2 * hb, 3 * hb, false);
            for (int k = 0; k < hb; k++) {                           // h~ = n + z ⊙ (h_{t-1} - n)
                double n = act[2 * hb + k];
                next[k] = n + act[hb + k] * (previous[k] - n);
            }
            seq.blend(t, next, previous, h);
            seq.emit(t, next);
            if (seq.forBackprop) {
                gates.write(zt, act, 0, 3 * hb);
            }
            states.write(hp + hb, next, 0, hb);
            double[] swap = previous;
            previous = next;
            next = swap;
        }
    }

    /**
     * {@link #forwardLoop} for float32: the same steps over {@code float[]} blocks with the fast activations, which
     * C2 vectorises twice as wide and which need no conversion from and to the native arrays.
     */
    private void forwardLoopFloat(SequencePass seq, NativeArray u, float[] recurrentBias, NativeArray rec,
                                  NativeArray scratch) {
        int h = seq.hidden;
        int batch = seq.batch;
        int hb = h * batch;
        float[] inputBias = seq.projection.biasBlock(batch);
        float[] act = new float[3 * hb];
        float[] recurrent = new float[3 * hb];
        float[] previous = new float[hb];
        float[] next = new float[hb];
        seq.statesMem.readFloats(0, previous, 0, hb);

        for (int t = 0; t < seq.steps; t++) {
            int zt = t * 3 * hb;
            seq.projectStep(t);
            seq.zMem.readFloats(zt, act, 0, 3 * hb);
            InputProjection.addBias(act, inputBias);
            if (resetAfter) {
                int rt = recurrentProduct(seq, u, rec, t);
                rec.readFloats(rt, recurrent, 0, 3 * hb);
                for (int k = 0; k < 2 * hb; k++) {
                    act[k] += recurrent[k];
                }
                gateFn.apply(act, 0, 2 * hb);
                for (int i = 0; i < h; i++) {                        // U_n h_{t-1} + b_un: what r multiplies
                    float bias = recurrentBias[i];
                    for (int k = 2 * hb + i * batch, end = k + batch; k < end; k++) {
                        recurrent[k] += bias;
                    }
                }
                for (int k = 0; k < hb; k++) {
                    act[2 * hb + k] += act[k] * recurrent[2 * hb + k];
                }
                if (seq.forBackprop) {
                    rec.writeFloats(rt + 2 * hb, recurrent, 2 * hb, hb);
                }
            } else {
                gateProduct(seq, u, scratch, t);
                scratch.readFloats(0, recurrent, 0, 2 * hb);
                for (int k = 0; k < 2 * hb; k++) {
                    act[k] += recurrent[k];
                }
                gateFn.apply(act, 0, 2 * hb);
                for (int k = 0; k < hb; k++) {                       // q = r ⊙ h_{t-1}
                    recurrent[k] = act[k] * previous[k];
                }
                rec.writeFloats(t * hb, recurrent, 0, hb);
                candidateProduct(seq, u, rec, scratch, t);
                scratch.readFloats(0, recurrent, 0, hb);
                for (int k = 0; k < hb; k++) {
                    act[2 * hb + k] += recurrent[k];
                }
            }
            candidateFn.apply(act, 2 * hb, 3 * hb);
            for (int k = 0; k < hb; k++) {                           // h~ = n + z ⊙ (h_{t-1} - n)
                float n = act[2 * hb + k];
                next[k] = n + act[hb + k] * (previous[k] - n);
            }
            seq.blend(t, next, previous, h);
            seq.emit(t, next);
            if (seq.forBackprop) {
                seq.gatesMem.writeFloats(zt, act, 0, 3 * hb);
            }
            seq.statesMem.writeFloats((t + 1) * hb, next, 0, hb);
            float[] swap = previous;
            previous = next;
            next = swap;
        }
    }

    /** Reset-after: {@code Uᵀ h_{t-1}} ({@code [3H, B]}) into step {@code t}'s block of {@code rec}, whose offset it returns. */
    private static int recurrentProduct(SequencePass seq, NativeArray u, NativeArray rec, int t) {
        int h = seq.hidden;
        int batch = seq.batch;
        int rt = t * 3 * h * batch;
        gemm(false, false, 3 * h, batch, h, 1.0, u, 0, h, seq.statesMem, t * h * batch, batch, 0.0, rec, rt, batch);
        return rt;
    }

    /** Reset-before: {@code U_rzᵀ h_{t-1}} ({@code [2H, B]}) into {@code scratch}. */
    private static void gateProduct(SequencePass seq, NativeArray u, NativeArray scratch, int t) {
        int h = seq.hidden;
        int batch = seq.batch;
        gemm(false, false, 2 * h, batch, h, 1.0, u, 0, h, seq.statesMem, t * h * batch, batch, 0.0, scratch, 0,
                batch);
    }

    /** Reset-before: {@code U_nᵀ q_t} ({@code [H, B]}, {@code q_t} stored in {@code rec}) into {@code scratch}. */
    private static void candidateProduct(SequencePass seq, NativeArray u, NativeArray rec, NativeArray scratch,
                                         int t) {
        int h = seq.hidden;
        int batch = seq.batch;
        gemm(false, false, h, batch, h, 1.0, u, 2 * h * h, h, rec, t * h * batch, batch, 0.0, scratch, 0, batch);
    }

    @Override
    public InputGradients backward(GateWeights weights, GateWeights gradients, Pass forwardPass, INDArray epsilon,
                                   RecurrentState lastStateGradient, int backLength, LayerWorkspaceMgr workspaces) {
        ForwardPass forward = (ForwardPass) forwardPass;
        BatchParts split = forward.split();
        NativeArray u = NativeArray.of(rowMajor(weights.rw(), workspaces));       // U [H, 3H]
        int first = split.parts.get(0).firstBackwardStep(backLength);
        List<BackwardPart> parts = new ArrayList<>();
        for (int p = 0; p < split.count(); p++) {
            BatchParts.PartGradients start = split.startBackward("GRU", p, gradients, epsilon, lastStateGradient,
                    false, first, workspaces);
            SequencePass pass = start.pass();
            NativeArray dq = resetAfter ? null : NativeArray.of(pass.block(pass.hidden, workspaces));
            parts.add(new BackwardPart(start, NativeArray.of(start.dh()), dq,
                    NativeArray.of(forward.recurrent().get(p)), new double[pass.hidden]));
        }
        split.run(p -> {
            if (parts.get(p).start().pass().fast) {
                backwardLoopFloat(parts.get(p), u, first);
            } else {
                backwardLoop(parts.get(p), u, first);
            }
        });
        if (resetAfter) {
            for (BackwardPart part : parts) {
                SequencePass pass = part.start().pass();
                part.start().gradients().rb().assign(Nd4j.createFromArray(part.recurrentBiasGrad()).castTo(pass.type)
                        .reshape(1, pass.hidden));
            }
        }
        return split.finishBackward(parts.stream().map(BackwardPart::start).toList());
    }

    /**
     * One part's backward arrays beyond the common ones: the carried {@code dL/dh} as native memory, the
     * reset-before {@code dq} block, the forward pass's recurrent products and the {@code b_un} gradient.
     */
    private record BackwardPart(BatchParts.PartGradients start, NativeArray dh, NativeArray dq, NativeArray rec,
                                double[] recurrentBiasGrad) {
    }

    /**
     * The backward time loop of one part of the batch, from the last step down to {@code first}, in double
     * precision.
     */
    private void backwardLoop(BackwardPart part, NativeArray u, int first) {
        SequencePass pass = part.start().pass();
        int h = pass.hidden;
        int batch = pass.batch;
        int hb = h * batch;
        NativeArray outputGrad = part.start().outputGrad();
        NativeArray dh = part.dh();
        NativeArray dq = part.dq();
        NativeArray rec = part.rec();
        NativeArray z = pass.zMem;
        NativeArray gates = pass.gatesMem;
        NativeArray states = pass.statesMem;
        NativeArray dUt = NativeArray.of(part.start().gradients().rw());
        double[] recurrentBiasGrad = part.recurrentBiasGrad();
        // One step's blocks as double[]: dL/dh_t from later steps (then for h_{t-1}), the output gradient, the
        // part of dL/dh_t a padded step carries over, dL/dh~_t, the gates r | z | n, h_{t-1}, the recurrent
        // products (reset-after: U_n h_{t-1} + b_un) or dq, and dL/dZ (r | z | n).
        double[] later = new double[hb];
        double[] eps = new double[hb];
        double[] carried = new double[hb];
        double[] mixed = new double[hb];
        double[] act = new double[3 * hb];
        double[] previous = new double[hb];
        double[] recurrent = new double[hb];
        double[] dz = new double[3 * hb];
        dh.read(0, later, 0, hb);

        for (int t = pass.steps - 1; t >= first; t--) {
            int zt = t * 3 * hb;
            int hp = t * hb;
            outputGrad.read(hp, eps, 0, hb);
            gates.read(zt, act, 0, 3 * hb);
            states.read(hp, previous, 0, hb);
            pass.splitStateGradient(t, later, eps, mixed, carried);
            // h~ = n + z ⊙ (h_{t-1} - n): dn = dh~ ⊙ (1 - z), dz = dh~ ⊙ (h_{t-1} - n),
            // dh_{t-1} = dh~ ⊙ z + ...
            for (int k = 0; k < hb; k++) {
                double update = act[hb + k];
                double n = act[2 * hb + k];
                dz[hb + k] = mixed[k] * (previous[k] - n);
                dz[2 * hb + k] = mixed[k] * (1.0 - update);
                later[k] = mixed[k] * update;
            }
            gateFn.scaleByDerivative(act, hb, dz, hb, hb);
            candidateFn.scaleByDerivative(act, 2 * hb, dz, 2 * hb, hb);
            if (resetAfter) {
                int rt = t * 3 * hb;
                rec.read(rt + 2 * hb, recurrent, 0, hb);             // U_n h_{t-1} + b_un
                for (int k = 0; k < hb; k++) {
                    dz[k] = dz[2 * hb + k] * recurrent[k];            // dr = dz_n ⊙ (U_n h + b_un)
                    recurrent[k] = dz[2 * hb + k] * act[k];           // dL/d(U_n h + b_un) = dz_n ⊙ r
                }
                gateFn.scaleByDerivative(act, 0, dz, 0, hb);
                for (int i = 0; i < h; i++) {
                    double sum = 0.0;
                    for (int k = i * batch, end = k + batch; k < end; k++) {
                        sum += recurrent[k];
                    }
                    recurrentBiasGrad[i] += sum;
                }
                z.write(zt, dz, 0, 3 * hb);
                rec.write(rt, dz, 0, 2 * hb);                         // rec := dL/d(Uᵀ h_{t-1})
                rec.write(rt + 2 * hb, recurrent, 0, hb);
                dh.write(0, later, 0, hb);
                resetAfterBackward(pass, u, rec, dh, dUt, t);
            } else {
                z.write(zt + hb, dz, hb, 2 * hb);
                candidateBackward(pass, u, dq, t);
                dq.read(0, recurrent, 0, hb);                         // dq = U_n · dz_n
                for (int k = 0; k < hb; k++) {
                    dz[k] = recurrent[k] * previous[k];
                    later[k] += recurrent[k] * act[k];
                }
                gateFn.scaleByDerivative(act, 0, dz, 0, hb);
                z.write(zt, dz, 0, hb);
                dh.write(0, later, 0, hb);
                resetBeforeBackward(pass, u, rec, dh, dUt, t);
            }
            pass.stepInputBackward(t, 3 * h, part.start().dh());
            pass.projectStepBackward(t, dz, part.start());
            dh.read(0, later, 0, hb);
            pass.addCarried(later, carried);
        }
        dh.write(0, later, 0, hb);
    }

    /**
     * {@link #backwardLoop} for float32: the same steps over {@code float[]} blocks, which need no conversion from
     * and to the native arrays and vectorise twice as wide.
     */
    private void backwardLoopFloat(BackwardPart part, NativeArray u, int first) {
        SequencePass pass = part.start().pass();
        int h = pass.hidden;
        int batch = pass.batch;
        int hb = h * batch;
        NativeArray dh = part.dh();
        NativeArray rec = part.rec();
        NativeArray dUt = NativeArray.of(part.start().gradients().rw());
        double[] recurrentBiasGrad = part.recurrentBiasGrad();
        float[] later = new float[hb];
        float[] eps = new float[hb];
        float[] carried = new float[hb];
        float[] mixed = new float[hb];
        float[] act = new float[3 * hb];
        float[] previous = new float[hb];
        float[] recurrent = new float[hb];
        float[] dz = new float[3 * hb];
        dh.readFloats(0, later, 0, hb);

        for (int t = pass.steps - 1; t >= first; t--) {
            int zt = t * 3 * hb;
            int hp = t * hb;
            part.start().outputGrad().readFloats(hp, eps, 0, hb);
            pass.gatesMem.readFloats(zt, act, 0, 3 * hb);
            pass.statesMem.readFloats(hp, previous, 0, hb);
            pass.splitStateGradient(t, later, eps, mixed, carried);
            for (int k = 0; k < hb; k++) {
                float update = act[hb + k];
                float n = act[2 * hb + k];
                dz[hb + k] = mixed[k] * (previous[k] - n);
                dz[2 * hb + k] = mixed[k] * (1.0f - update);
                later[k] = mixed[k] * update;
            }
            gateFn.scaleByDerivative(act, hb, dz, hb, hb);
            candidateFn.scaleByDerivative(act, 2 * hb, dz, 2 * hb, hb);
            if (resetAfter) {
                int rt = t * 3 * hb;
                rec.readFloats(rt + 2 * hb, recurrent, 0, hb);
                for (int k = 0; k < hb; k++) {
                    dz[k] = dz[2 * hb + k] * recurrent[k];
                    recurrent[k] = dz[2 * hb + k] * act[k];
                }
                gateFn.scaleByDerivative(act, 0, dz, 0, hb);
                for (int i = 0; i < h; i++) {
                    float sum = 0.0f;
                    for (int k = i * batch, end = k + batch; k < end; k++) {
                        sum += recurrent[k];
                    }
                    recurrentBiasGrad[i] += sum;
                }
                pass.zMem.writeFloats(zt, dz, 0, 3 * hb);
                rec.writeFloats(rt, dz, 0, 2 * hb);
                rec.writeFloats(rt + 2 * hb, recurrent, 0, hb);
                dh.writeFloats(0, later, 0, hb);
                resetAfterBackward(pass, u, rec, dh, dUt, t);
            } else {
                pass.zMem.writeFloats(zt + hb, dz, hb, 2 * hb);
                candidateBackward(pass, u, part.dq(), t);
                part.dq().readFloats(0, recurrent, 0, hb);
                for (int k = 0; k < hb; k++) {
                    dz[k] = recurrent[k] * previous[k];
                    later[k] += recurrent[k] * act[k];
                }
                gateFn.scaleByDerivative(act, 0, dz, 0, hb);
                pass.zMem.writeFloats(zt, dz, 0, hb);
                dh.writeFloats(0, later, 0, hb);
                resetBeforeBackward(pass, u, rec, dh, dUt, t);
            }
            pass.stepInputBackward(t, 3 * h, part.start().dh());
            pass.projectStepBackward(t, dz, part.start());
            dh.readFloats(0, later, 0, hb);
            pass.addCarried(later, carried);
        }
        dh.writeFloats(0, later, 0, hb);
    }

    /**
     * Reset-after, once step {@code t}'s block of {@code rec} holds {@code dL/d(Uᵀ h_{t-1})}: {@code dh += U·rec_t},
     * {@code dL/dUᵀ += rec_t h_{t-1}ᵀ} ({@code u} is {@code U [H, 3H]} row-major).
     */
    private static void resetAfterBackward(SequencePass pass, NativeArray u, NativeArray rec, NativeArray dh,
                                           NativeArray dUt, int t) {
        int h = pass.hidden;
        int batch = pass.batch;
        int rt = t * 3 * h * batch;
        gemm(false, false, h, batch, 3 * h, 1.0, u, 0, 3 * h, rec, rt, batch, 1.0, dh, 0, batch);
        gemm(false, true, 3 * h, h, batch, 1.0, rec, rt, batch, pass.statesMem, t * h * batch, batch, 1.0, dUt, 0, h);
    }

    /** Reset-before: {@code dq = U_n·dz_n} once {@code Z_t}'s n block holds {@code dL/dz_n}. */
    private static void candidateBackward(SequencePass pass, NativeArray u, NativeArray dq, int t) {
        int h = pass.hidden;
        int batch = pass.batch;
        gemm(false, false, h, batch, h, 1.0, u, 2 * h, 3 * h, pass.zMem, (t * 3 + 2) * h * batch, batch, 0.0, dq, 0,
                batch);
    }

    /**
     * Reset-before, once {@code Z_t} holds {@code dL/dZ_t}: {@code dh += U_rz·dz_rz}, {@code dL/dU_rzᵀ += dz_rz
     * h_{t-1}ᵀ} and {@code dL/dU_nᵀ += dz_n q_tᵀ} ({@code q_t} in {@code rec}).
     */
    private static void resetBeforeBackward(SequencePass pass, NativeArray u, NativeArray rec, NativeArray dh,
                                            NativeArray dUt, int t) {
        int h = pass.hidden;
        int batch = pass.batch;
        int zt = t * 3 * h * batch;
        gemm(false, false, h, batch, 2 * h, 1.0, u, 0, 3 * h, pass.zMem, zt, batch, 1.0, dh, 0, batch);
        gemm(false, true, 2 * h, h, batch, 1.0, pass.zMem, zt, batch, pass.statesMem, t * h * batch, batch, 1.0, dUt,
                0, h);
        gemm(false, true, h, h, batch, 1.0, pass.zMem, zt + 2 * h * batch, batch, rec, t * h * batch, batch, 1.0, dUt,
                2 * h * h, h);
    }
}
