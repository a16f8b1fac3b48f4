package org.seqzoo.models.rnn;

import static org.seqzoo.models.rnn.Blocks.backpropInPlace;
import static org.seqzoo.models.rnn.Blocks.columnMajor;
import static org.seqzoo.models.rnn.Blocks.mmul;
import static org.seqzoo.models.rnn.Blocks.rows;

import java.util.Objects;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.StepMajorLayout.MaskTiles;

/**
 * The LSTM recurrences of {@link LSTM} over whole sequences (DESIGN.md, "LSTM"), gate blocks in the order
 * {@code i | f | o | g} (g is the candidate {@code c~}):
 * <pre>
 * z_t = Wᵀ x_t + Uᵀ h_{t-1} + b      i, f, o = σ(z_i), σ(z_f), σ(z_o)      g = tanh(z_g)
 * c_t = f ⊙ c_{t-1} + i ⊙ g           h_t = o ⊙ tanh(c_t)
 * </pre>
 * Same layout and structure as {@link GRUKernel} ({@link StepMajorLayout}): the input projections of all
 * steps in one product; per step one recurrent product accumulated straight into the step's
 * pre-activations, then the gates on contiguous blocks. Masked steps carry both {@code h} and {@code c}.
 */
public final class LSTMKernel implements RecurrentKernel {

    private final IActivation gateFn;
    private final IActivation cellFn;

    /**
     * @param gateFn σ of the i, f, o gates
     * @param cellFn the candidate's and the cell output's activation (tanh in the equations)
     */
    public LSTMKernel(IActivation gateFn, IActivation cellFn) {
        this.gateFn = Objects.requireNonNull(gateFn, "gateFn");
        this.cellFn = Objects.requireNonNull(cellFn, "cellFn");
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
        long h = seq.hidden;
        long steps = seq.steps;
        INDArray z = seq.z;
        INDArray gates = seq.gates;
        INDArray states = seq.states;
        MaskTiles tiles = seq.mask;
        INDArray cells = StepMajorLayout.states(initialState == null ? null : initialState.c(), steps, h, seq.batch,
                seq.type, seq.work, workspaces);
        INDArray cellOutputs = seq.block(steps * h, workspaces);
        INDArray scratch = seq.block(h, workspaces);

        INDArray u = columnMajor(weights.rw());
        for (long t = 0; t < steps; t++) {
            INDArray hPrev = rows(states, t * h, h);
            INDArray hNext = rows(states, (t + 1) * h, h);
            INDArray cPrev = rows(cells, t * h, h);
            INDArray cNext = rows(cells, (t + 1) * h, h);
            INDArray zt = rows(z, t * 4 * h, 4 * h);
            INDArray aSigmoid = rows(gates, t * 4 * h, 3 * h);
            INDArray aI = rows(gates, t * 4 * h, h);
            INDArray aF = rows(gates, t * 4 * h + h, h);
            INDArray aO = rows(gates, t * 4 * h + 2 * h, h);
            INDArray aG = rows(gates, t * 4 * h + 3 * h, h);
            INDArray tanhC = rows(cellOutputs, t * h, h);

            if (stepInput != null) {
                stepInput.forward(t, hPrev, zt);
            }
            mmul(u, hPrev, zt, true, false, 1.0);
            aSigmoid.assign(rows(z, t * 4 * h, 3 * h));
            gateFn.getActivation(aSigmoid, training);
            aG.assign(rows(z, t * 4 * h + 3 * h, h));
            cellFn.getActivation(aG, training);

            // c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
            aF.mul(cPrev, cNext);
            aI.mul(aG, scratch);
            cNext.addi(scratch);
            tanhC.assign(cNext);
            cellFn.getActivation(tanhC, training);
            aO.mul(tanhC, hNext);
            if (tiles != null) {
                hNext.muli(tiles.keep(t, h));
                hPrev.mul(tiles.carry(t, h), scratch);
                hNext.addi(scratch);
                cNext.muli(tiles.keep(t, h));
                cPrev.mul(tiles.carry(t, h), scratch);
                cNext.addi(scratch);
            }
        }
        seq.finish(workspaces);
        return new ForwardPass(seq, cells, cellOutputs);
    }

    @Override
    public InputGradients backward(GateWeights weights, GateWeights gradients, Pass forwardPass, INDArray epsilon,
                                   RecurrentState lastStateGradient, int backLength, LayerWorkspaceMgr workspaces) {
        ForwardPass forward = (ForwardPass) forwardPass;
        SequencePass pass = forward.sequence();
        INDArray epsRows = pass.outputGradient("LSTM", gradients, epsilon, workspaces);
        long h = pass.hidden;
        long steps = pass.steps;
        INDArray z = pass.z;
        INDArray dh = pass.block(h, workspaces).assign(0.0);
        INDArray dc = pass.block(h, workspaces).assign(0.0);
        if (lastStateGradient != null) {
            dh.assign(lastStateGradient.h().transpose());
            if (lastStateGradient.c() != null) {
                dc.assign(lastStateGradient.c().transpose());
            }
        }
        INDArray dhMixed = pass.block(h, workspaces);
        INDArray dcMixed = pass.block(h, workspaces);
        INDArray scratch = pass.block(h, workspaces);
        INDArray carriedH = pass.mask == null ? null
                : pass.block(h, workspaces);
        INDArray carriedC = pass.mask == null ? null
                : pass.block(h, workspaces);
        INDArray dGates = pass.block(4 * h, workspaces);
        INDArray dI = rows(dGates, 0, h);
        INDArray dF = rows(dGates, h, h);
        INDArray dO = rows(dGates, 2 * h, h);
        INDArray dG = rows(dGates, 3 * h, h);

        INDArray dUt = gradients.rw().transpose();
        dUt.assign(0.0);
        INDArray u = columnMajor(weights.rw());
        long first = pass.firstBackwardStep(backLength);
        for (long t = steps - 1; t >= first; t--) {
            INDArray hPrev = rows(pass.states, t * h, h);
            INDArray cPrev = rows(forward.cells(), t * h, h);
            INDArray cNext = rows(forward.cells(), (t + 1) * h, h);
            INDArray zt = rows(z, t * 4 * h, 4 * h);
            INDArray aI = rows(pass.gates, t * 4 * h, h);
            INDArray aF = rows(pass.gates, t * 4 * h + h, h);
            INDArray aO = rows(pass.gates, t * 4 * h + 2 * h, h);
            INDArray aG = rows(pass.gates, t * 4 * h + 3 * h, h);
            INDArray tanhC = rows(forward.cellOutputs(), t * h, h);

            // dh, dc hold dL/dh_t, dL/dc_t from later steps; masked steps pass (1 - m) of them on unchanged.
            if (pass.mask != null) {
                dh.mul(pass.mask.carry(t, h), carriedH);
                dc.mul(pass.mask.carry(t, h), carriedC);
                dh.addi(rows(epsRows, t * h, h));
                dh.mul(pass.mask.keep(t, h), dhMixed);
                dc.mul(pass.mask.keep(t, h), dcMixed);
            } else {
                dh.add(rows(epsRows, t * h, h), dhMixed);
                dcMixed.assign(dc);
            }
            // h = o ⊙ tanh(c): do = dh ⊙ tanh(c); dc += dh ⊙ o ⊙ tanh'(c) (cNext, no longer needed, is consumed).
            dhMixed.mul(tanhC, dO);
            dhMixed.mul(aO, scratch);
            backpropInPlace(cellFn, cNext, scratch);
            dcMixed.addi(cNext);
            // c = f ⊙ c_{t-1} + i ⊙ g
            dcMixed.mul(aG, dI);
            dcMixed.mul(aI, dG);
            dcMixed.mul(cPrev, dF);
            dcMixed.mul(aF, dc);
            backpropInPlace(gateFn, rows(z, t * 4 * h, 3 * h), rows(dGates, 0, 3 * h));
            backpropInPlace(cellFn, rows(z, t * 4 * h + 3 * h, h), dG);
            mmul(u, zt, dh, false, false, 0.0);                  // dh_{t-1} = U · dz_t
            mmul(zt, hPrev, dUt, false, true, 1.0);              // dUᵀ += dz_t · h_{t-1}ᵀ
            if (pass.stepInput != null) {
                pass.stepInput.backward(t, hPrev, zt, dh);
            }
            if (carriedH != null) {
                dh.addi(carriedH);
                dc.addi(carriedC);
            }
        }
        if (first > 0) {
            rows(z, 0, first * 4 * h).assign(0.0);
        }
        INDArray inputGrad = StepMajorLayout.projectBackward(z, weights.w(), pass.inputColumns, gradients.w(),
                gradients.b(), steps, pass.batch, workspaces);
        return new InputGradients(inputGrad, new RecurrentState(dh.transpose(), dc.transpose()));
    }
}
