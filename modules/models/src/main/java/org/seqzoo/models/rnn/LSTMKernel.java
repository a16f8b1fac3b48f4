package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.columnMajor;
import static org.seqzoo.models.rnn.Blocks.rows;
import static org.seqzoo.models.rnn.NativeArray.gemm;

import java.util.Objects;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.cpu.Nd4jThreads;

/**
 * The LSTM recurrences of {@link LSTM} over whole sequences (DESIGN.md, "LSTM"), gate blocks in the order
 * {@code i | f | o | g} (g is the candidate {@code c~}):
 * <pre>
 * z_t = Wᵀ x_t + Uᵀ h_{t-1} + b      i, f, o = σ(z_i), σ(z_f), σ(z_o)      g = tanh(z_g)
 * c_t = f ⊙ c_{t-1} + i ⊙ g           h_t = o ⊙ tanh(c_t)
 * </pre>
 * Same layout and structure as {@link GRUKernel} ({@link StepMajorLayout}): the input projections of all
 * steps in one product; per step one recurrent product accumulated straight into the step's
 * pre-activations, then one pass of Java over the gate blocks; the backward pass takes the activations'
 * derivatives from their stored outputs. Masked steps carry both {@code h} and {@code c}.
 */
public final class LSTMKernel implements RecurrentKernel {

    private final ScalarActivation gateFn;
    private final ScalarActivation cellFn;

    /**
     * @param gateFn σ of the i, f, o gates
     * @param cellFn the candidate's and the cell output's activation (tanh in the equations)
     * @throws IllegalArgumentException for an activation {@link ScalarActivation} does not cover
     */
    public LSTMKernel(IActivation gateFn, IActivation cellFn) {
        this.gateFn = ScalarActivation.of(Objects.requireNonNull(gateFn, "gateFn"));
        this.cellFn = ScalarActivation.of(Objects.requireNonNull(cellFn, "cellFn"));
        Nd4jThreads.applyDefaults();
    }

    /** The kernel for a configured {@link LSTM} layer. */
    public static LSTMKernel of(LSTM conf) {
        return new LSTMKernel(conf.getGateActivationFn(), conf.getActivationFn());
    }

    /** A forward pass: the shared arrays, the cell states {@code [(T+1)·H, B]} and {@code tanh(c_t)} per step. */
    record ForwardPass(SequencePass sequence, INDArray cells, INDArray cellOutputs) implements Pass {
        @Override
        public INDArray output() {
            return sequence.output();
        }

        @Override
        public RecurrentState lastState() {
            long h = sequence.hidden;
            return new RecurrentState(sequence.lastHidden(), rows(cells, sequence.steps * h, h).transpose());
        }
    }

    @Override
    public ForwardPass forward(GateWeights weights, INDArray input, RecurrentState initialState, INDArray mask,
                               StepInput stepInput, boolean training, boolean forBackprop,
                               LayerWorkspaceMgr workspaces) {
        SequencePass seq = SequencePass.start("LSTM", weights, input, initialState, mask, stepInput, forBackprop,
                workspaces);
        int h = seq.hidden;
        int batch = seq.batch;
        int hb = h * batch;
        INDArray cellsArray = StepMajorLayout.states(initialState == null ? null : initialState.c(), seq.steps, h,
                batch, seq.type, seq.work, workspaces);
        INDArray cellOutputsArray = seq.block((long) seq.steps * h, workspaces);
        NativeArray cells = NativeArray.of(cellsArray);
        NativeArray cellOutputs = NativeArray.of(cellOutputsArray);
        NativeArray u = NativeArray.of(columnMajor(weights.rw()));
        NativeArray z = seq.zMem;
        NativeArray gates = seq.gatesMem;
        NativeArray states = seq.statesMem;

        for (int t = 0; t < seq.steps; t++) {
            int zt = t * 4 * hb;
            int hp = t * hb;
            int hn = hp + hb;
            if (stepInput != null) {
                stepInput.forward(t, rows(seq.states, (long) t * h, h), rows(seq.z, (long) t * 4 * h, 4 * h));
            }
            gemm(false, false, 4 * h, batch, h, 1.0, u, 0, h, states, hp, batch, 1.0, z, zt, batch);
            // c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
            for (int i = 0; i < h; i++) {
                for (int j = 0, idx = i * batch; j < batch; j++, idx++) {
                    double in = gateFn.apply(z.get(zt + idx));
                    double forget = gateFn.apply(z.get(zt + hb + idx));
                    double out = gateFn.apply(z.get(zt + 2 * hb + idx));
                    double g = cellFn.apply(z.get(zt + 3 * hb + idx));
                    double cPrev = cells.get(hp + idx);
                    double c = forget * cPrev + in * g;
                    double tanhC = cellFn.apply(c);
                    gates.set(zt + idx, in);
                    gates.set(zt + hb + idx, forget);
                    gates.set(zt + 2 * hb + idx, out);
                    gates.set(zt + 3 * hb + idx, g);
                    cellOutputs.set(hp + idx, tanhC);
                    cells.set(hn + idx, seq.blend(t, j, c, cPrev));
                    states.set(hn + idx, seq.blend(t, j, out * tanhC, states.get(hp + idx)));
                }
            }
        }
        seq.finish(workspaces);
        return new ForwardPass(seq, cellsArray, cellOutputsArray);
    }

    @Override
    public InputGradients backward(GateWeights weights, GateWeights gradients, Pass forwardPass, INDArray epsilon,
                                   RecurrentState lastStateGradient, int backLength, LayerWorkspaceMgr workspaces) {
        ForwardPass forward = (ForwardPass) forwardPass;
        SequencePass pass = forward.sequence();
        NativeArray eps = NativeArray.of(pass.outputGradient("LSTM", gradients, epsilon, workspaces));
        int h = pass.hidden;
        int batch = pass.batch;
        int hb = h * batch;
        INDArray dhArray = pass.carriedStateGradient(lastStateGradient == null ? null : lastStateGradient.h(),
                workspaces);
        INDArray dcArray = pass.carriedStateGradient(lastStateGradient == null ? null : lastStateGradient.c(),
                workspaces);
        NativeArray dh = NativeArray.of(dhArray);
        NativeArray dc = NativeArray.of(dcArray);
        NativeArray carriedH = NativeArray.of(pass.block(h, workspaces));
        NativeArray cells = NativeArray.of(forward.cells());
        NativeArray cellOutputs = NativeArray.of(forward.cellOutputs());
        NativeArray u = NativeArray.of(columnMajor(weights.rw()));
        NativeArray z = pass.zMem;
        NativeArray gates = pass.gatesMem;
        NativeArray states = pass.statesMem;
        gradients.rw().assign(0.0);
        NativeArray dUt = NativeArray.of(gradients.rw());

        int first = pass.firstBackwardStep(backLength);
        for (int t = pass.steps - 1; t >= first; t--) {
            int zt = t * 4 * hb;
            int hp = t * hb;
            for (int idx = 0; idx < hb; idx++) {
                // dh, dc hold dL/dh_t, dL/dc_t from later steps; masked steps pass (1 - m) of them on unchanged.
                double m = pass.mask(t, idx % batch);
                double laterH = dh.get(idx);
                double laterC = dc.get(idx);
                double dhMixed = m * (laterH + eps.get(hp + idx));
                carriedH.set(idx, (1.0 - m) * laterH);
                double in = gates.get(zt + idx);
                double forget = gates.get(zt + hb + idx);
                double out = gates.get(zt + 2 * hb + idx);
                double g = gates.get(zt + 3 * hb + idx);
                double tanhC = cellOutputs.get(hp + idx);
                // h = o ⊙ tanh(c): do = dh ⊙ tanh(c), dc += dh ⊙ o ⊙ tanh'(c); then c = f ⊙ c_{t-1} + i ⊙ g.
                double dcMixed = m * laterC + dhMixed * out * cellFn.derivativeAt(tanhC);
                z.set(zt + idx, dcMixed * g * gateFn.derivativeAt(in));
                z.set(zt + hb + idx, dcMixed * cells.get(hp + idx) * gateFn.derivativeAt(forget));
                z.set(zt + 2 * hb + idx, dhMixed * tanhC * gateFn.derivativeAt(out));
                z.set(zt + 3 * hb + idx, dcMixed * in * cellFn.derivativeAt(g));
                dc.set(idx, dcMixed * forget + (1.0 - m) * laterC);
            }
            gemm(true, false, h, batch, 4 * h, 1.0, u, 0, h, z, zt, batch, 0.0, dh, 0, batch);  // dh = U · dz_t
            gemm(false, true, 4 * h, h, batch, 1.0, z, zt, batch, states, hp, batch, 1.0, dUt, 0, h);
            pass.stepInputBackward(t, 4 * h, dhArray);
            if (pass.mask != null) {
                for (int idx = 0; idx < hb; idx++) {
                    dh.set(idx, dh.get(idx) + carriedH.get(idx));
                }
            }
        }
        INDArray inputGrad = pass.projectBackward(first, 4 * h, weights, gradients, workspaces);
        return new InputGradients(inputGrad, new RecurrentState(dhArray.transpose(), dcArray.transpose()));
    }
}
