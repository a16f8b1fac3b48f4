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
import org.seqzoo.models.cpu.Nd4jThreads;
import org.seqzoo.models.cpu.NativeArray;

/**
 * The LSTM recurrences of {@link LSTM} over whole sequences (DESIGN.md, "LSTM"), gate blocks in the order
 * {@code i | f | o | g} (g is the candidate {@code c~}):
 * <pre>
 * z_t = Wᵀ x_t + Uᵀ h_{t-1} + b      i, f, o = σ(z_i), σ(z_f), σ(z_o)      g = tanh(z_g)
 * c_t = f ⊙ c_{t-1} + i ⊙ g           h_t = o ⊙ tanh(c_t)
 * </pre>
 * Same layout and structure as {@link GRUKernel} ({@link StepMajorLayout}, {@link BatchParts}): per step the
 * input projection ({@link InputProjection}) and the recurrent product accumulate into the step's
 * pre-activations, then a few vectorised loops of Java over the gate blocks; the backward pass takes the
 * activations' derivatives from their stored outputs. Masked steps carry both {@code h} and {@code c}. As in
 * {@link GRUKernel}, each loop exists over {@code float[]} (float32) and over {@code double[]} (float64).
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

    /**
     * A forward pass: the batch's parts, and for each part its cell states {@code [(T+1)·H, B]} and
     * {@code tanh(c_t)} per step.
     */
    record ForwardPass(BatchParts split, List<INDArray> cells, List<INDArray> cellOutputs) implements Pass {
        @Override
        public INDArray output() {
            return split.output();
        }

        @Override
        public RecurrentState lastState() {
            List<INDArray> lastCells = new ArrayList<>();
            for (int p = 0; p < split.count(); p++) {
                long h = split.parts.get(p).hidden;
                lastCells.add(rows(cells.get(p), split.parts.get(p).steps * h, h).transpose());
            }
            return new RecurrentState(split.lastHidden(), split.rows(lastCells));
        }
    }

    @Override
    public Pass forward(GateWeights weights, INDArray input, RecurrentState initialState, INDArray mask,
                        StepInput stepInput, boolean training, boolean forBackprop, LayerWorkspaceMgr workspaces) {
        if (OneDnnRecurrentInference.applies(OneDnnCell.LSTM, input, mask, stepInput, forBackprop, gateFn, cellFn)) {
            BatchParts.checkArguments("LSTM", weights, input, initialState, null);
            return OneDnnRecurrentInference.forward(OneDnnCell.LSTM, weights, input, initialState, workspaces);
        }
        BatchParts split = BatchParts.start("LSTM", weights, input, initialState, mask, stepInput, forBackprop,
                workspaces);
        NativeArray u = NativeArray.of(columnMajor(weights.rw()));
        List<INDArray> cells = new ArrayList<>();
        List<INDArray> cellOutputs = new ArrayList<>();
        for (int p = 0; p < split.count(); p++) {
            SequencePass seq = split.parts.get(p);
            INDArray initialCell = initialState == null ? null : split.part(initialState.c(), p);
            cells.add(StepMajorLayout.states(initialCell, seq.steps, seq.hidden, seq.batch, seq.type, seq.work,
                    workspaces));
            cellOutputs.add(seq.block((long) seq.steps * seq.hidden, workspaces));
        }
        split.runForward(p -> {
            SequencePass seq = split.parts.get(p);
            if (seq.fast) {
                forwardLoopFloat(seq, u, NativeArray.of(cells.get(p)), NativeArray.of(cellOutputs.get(p)));
            } else {
                forwardLoop(seq, u, NativeArray.of(cells.get(p)), NativeArray.of(cellOutputs.get(p)));
            }
        });
        split.finish();
        return new ForwardPass(split, cells, cellOutputs);
    }

    /** The time loop of one part of the batch, in double precision with exact activations. */
    private void forwardLoop(SequencePass seq, NativeArray u, NativeArray cells, NativeArray cellOutputs) {
        int h = seq.hidden;
        int batch = seq.batch;
        int hb = h * batch;
        NativeArray z = seq.zMem;
        NativeArray gates = seq.gatesMem;
        NativeArray states = seq.statesMem;
        // One step's blocks as double[]: pre-activations, then activations (i | f | o | g); c_{t-1}, c_t,
        // tanh(c_t), h_{t-1}, h_t.
        double[] act = new double[4 * hb];
        double[] previousCell = new double[hb];
        double[] cell = new double[hb];
        double[] cellOut = new double[hb];
        double[] previous = new double[hb];
        double[] next = new double[hb];
        cells.read(0, previousCell, 0, hb);
        states.read(0, previous, 0, hb);

        for (int t = 0; t < seq.steps; t++) {
            int zt = t * 4 * hb;
            int hp = t * hb;
            int hn = hp + hb;
            recurrentProduct(seq, u, t);
            z.read(zt, act, 0, 4 * hb);
            seq.projection.addBias(act, batch);
            gateFn.apply(act, 0, 3 * hb, false);
            cellFn.apply(act, 3 * hb, 4 * hb, false);
            for (int k = 0; k < hb; k++) {                           // c_t = f ⊙ c_{t-1} + i ⊙ g
                cell[k] = act[hb + k] * previousCell[k] + act[k] * act[3 * hb + k];
                cellOut[k] = cell[k];
            }
            cellFn.apply(cellOut, 0, hb, false);
            for (int k = 0; k < hb; k++) {                           // h_t = o ⊙ tanh(c_t)
                next[k] = act[2 * hb + k] * cellOut[k];
            }
            seq.blend(t, cell, previousCell, h);
            seq.blend(t, next, previous, h);
            seq.emit(t, next);
            if (seq.forBackprop) {
                gates.write(zt, act, 0, 4 * hb);
                cellOutputs.write(hp, cellOut, 0, hb);
            }
            cells.write(hn, cell, 0, hb);
            states.write(hn, next, 0, hb);
            double[] swap = previousCell;
            previousCell = cell;
            cell = swap;
            swap = previous;
            previous = next;
            next = swap;
        }
    }

    /**
     * {@link #forwardLoop} for float32: the same steps over {@code float[]} blocks with the fast activations, which
     * C2 vectorises twice as wide and which need no conversion from and to the native arrays (inference ~13% faster
     * at the benchmark's default shapes). The tanh of the new cell is applied in a pass of its own: a loop that
     * also stores the cell does not vectorise.
     */
    private void forwardLoopFloat(SequencePass seq, NativeArray u, NativeArray cells, NativeArray cellOutputs) {
        int h = seq.hidden;
        int batch = seq.batch;
        int hb = h * batch;
        NativeArray z = seq.zMem;
        float[] bias = seq.projection.biasBlock(batch);
        float[] act = new float[4 * hb];
        float[] previousCell = new float[hb];
        float[] cell = new float[hb];
        float[] cellOut = new float[hb];
        float[] previous = new float[hb];
        float[] next = new float[hb];
        cells.readFloats(0, previousCell, 0, hb);
        seq.statesMem.readFloats(0, previous, 0, hb);

        for (int t = 0; t < seq.steps; t++) {
            int zt = t * 4 * hb;
            int hp = t * hb;
            recurrentProduct(seq, u, t);
            z.readFloats(zt, act, 0, 4 * hb);
            InputProjection.addBias(act, bias);
            gateFn.apply(act, 0, 3 * hb);
            cellFn.apply(act, 3 * hb, 4 * hb);
            for (int k = 0; k < hb; k++) {                           // c_t = f ⊙ c_{t-1} + i ⊙ g
                float c = act[hb + k] * previousCell[k] + act[k] * act[3 * hb + k];
                cell[k] = c;
                cellOut[k] = c;
            }
            cellFn.apply(cellOut, 0, hb);
            for (int k = 0; k < hb; k++) {                           // h_t = o ⊙ tanh(c_t)
                next[k] = act[2 * hb + k] * cellOut[k];
            }
            seq.blend(t, cell, previousCell, h);
            seq.blend(t, next, previous, h);
            seq.emit(t, next);
            if (seq.forBackprop) {
                seq.gatesMem.writeFloats(zt, act, 0, 4 * hb);
                cellOutputs.writeFloats(hp, cellOut, 0, hb);
            }
            if (seq.forBackprop || t == seq.steps - 1) {                // inference keeps only the last cell
                cells.writeFloats(hp + hb, cell, 0, hb);
            }
            seq.statesMem.writeFloats(hp + hb, next, 0, hb);
            float[] swap = previousCell;
            previousCell = cell;
            cell = swap;
            swap = previous;
            previous = next;
            next = swap;
        }
    }

    /** {@code Z_t = Wᵀ x_t (+ step input) + Uᵀ h_{t-1}}, without the bias (added where the loops read it). */
    private static void recurrentProduct(SequencePass seq, NativeArray u, int t) {
        int h = seq.hidden;
        seq.projectStep(t);
        gemm(false, false, 4 * h, seq.batch, h, 1.0, u, 0, h, seq.statesMem, t * h * seq.batch, seq.batch, 1.0,
                seq.zMem, t * 4 * h * seq.batch, seq.batch);
    }

    @Override
    public InputGradients backward(GateWeights weights, GateWeights gradients, Pass forwardPass, INDArray epsilon,
                                   RecurrentState lastStateGradient, int backLength, LayerWorkspaceMgr workspaces) {
        ForwardPass forward = (ForwardPass) forwardPass;
        BatchParts split = forward.split();
        NativeArray u = NativeArray.of(rowMajor(weights.rw(), workspaces));
        int first = split.parts.get(0).firstBackwardStep(backLength);
        List<BatchParts.PartGradients> parts = new ArrayList<>();
        for (int p = 0; p < split.count(); p++) {
            parts.add(split.startBackward("LSTM", p, gradients, epsilon, lastStateGradient, true, first,
                    workspaces));
        }
        split.run(p -> {
            NativeArray cells = NativeArray.of(forward.cells().get(p));
            NativeArray cellOutputs = NativeArray.of(forward.cellOutputs().get(p));
            if (parts.get(p).pass().fast) {
                backwardLoopFloat(parts.get(p), u, cells, cellOutputs, first);
            } else {
                backwardLoop(parts.get(p), u, cells, cellOutputs, first);
            }
        });
        return split.finishBackward(parts);
    }

    /**
     * The backward time loop of one part of the batch, from the last step down to {@code first}, in double
     * precision.
     */
    private void backwardLoop(BatchParts.PartGradients part, NativeArray u, NativeArray cells,
                              NativeArray cellOutputs, int first) {
        SequencePass pass = part.pass();
        int hb = pass.hidden * pass.batch;
        NativeArray outputGrad = part.outputGrad();
        NativeArray dh = NativeArray.of(part.dh());
        NativeArray dc = NativeArray.of(part.dc());
        NativeArray z = pass.zMem;
        NativeArray gates = pass.gatesMem;
        NativeArray dUt = NativeArray.of(part.gradients().rw());

        // One step's blocks as double[]: dL/dh_t and dL/dc_t from later steps, the output gradient, the part of
        // dL/dh_t a padded step carries over, dL/dh~_t, dL/dc~_t, the gates i | f | o | g, c_{t-1}, tanh(c_t) and
        // dL/dZ (i | f | o | g).
        double[] laterH = new double[hb];
        double[] laterC = new double[hb];
        double[] eps = new double[hb];
        double[] carriedH = new double[hb];
        double[] mixedH = new double[hb];
        double[] mixedC = new double[hb];
        double[] act = new double[4 * hb];
        double[] previousCell = new double[hb];
        double[] cellOut = new double[hb];
        double[] dz = new double[4 * hb];
        dh.read(0, laterH, 0, hb);
        dc.read(0, laterC, 0, hb);

        for (int t = pass.steps - 1; t >= first; t--) {
            int zt = t * 4 * hb;
            int hp = t * hb;
            outputGrad.read(hp, eps, 0, hb);
            gates.read(zt, act, 0, 4 * hb);
            cells.read(hp, previousCell, 0, hb);
            cellOutputs.read(hp, cellOut, 0, hb);
            pass.splitStateGradient(t, laterH, eps, mixedH, carriedH);
            // h = o ⊙ tanh(c): do = dh ⊙ tanh(c), dc += dh ⊙ o ⊙ tanh'(c); then c = f ⊙ c_{t-1} + i ⊙ g.
            for (int k = 0; k < hb; k++) {
                mixedC[k] = mixedH[k] * act[2 * hb + k];
            }
            cellFn.scaleByDerivative(cellOut, 0, mixedC, 0, hb);
            cellGradient(pass, t, laterC, mixedC, act);
            for (int k = 0; k < hb; k++) {
                double dcMixed = mixedC[k];
                dz[k] = dcMixed * act[3 * hb + k];
                dz[hb + k] = dcMixed * previousCell[k];
                dz[2 * hb + k] = mixedH[k] * cellOut[k];
                dz[3 * hb + k] = dcMixed * act[k];
            }
            gateFn.scaleByDerivative(act, 0, dz, 0, 3 * hb);
            cellFn.scaleByDerivative(act, 3 * hb, dz, 3 * hb, hb);
            z.write(zt, dz, 0, 4 * hb);
            recurrentBackward(part, u, dh, dUt, t);
            pass.projectStepBackward(t, dz, part);
            dh.read(0, laterH, 0, hb);
            pass.addCarried(laterH, carriedH);
        }
        dh.write(0, laterH, 0, hb);
        dc.write(0, laterC, 0, hb);
    }

    /**
     * {@link #backwardLoop} for float32: the same steps over {@code float[]} blocks, which need no conversion from
     * and to the native arrays and vectorise twice as wide.
     */
    private void backwardLoopFloat(BatchParts.PartGradients part, NativeArray u, NativeArray cells,
                                   NativeArray cellOutputs, int first) {
        SequencePass pass = part.pass();
        int hb = pass.hidden * pass.batch;
        NativeArray dh = NativeArray.of(part.dh());
        NativeArray dc = NativeArray.of(part.dc());
        NativeArray dUt = NativeArray.of(part.gradients().rw());
        float[] laterH = new float[hb];
        float[] laterC = new float[hb];
        float[] eps = new float[hb];
        float[] carriedH = new float[hb];
        float[] mixedH = new float[hb];
        float[] mixedC = new float[hb];
        float[] act = new float[4 * hb];
        float[] previousCell = new float[hb];
        float[] cellOut = new float[hb];
        float[] dz = new float[4 * hb];
        dh.readFloats(0, laterH, 0, hb);
        dc.readFloats(0, laterC, 0, hb);

        for (int t = pass.steps - 1; t >= first; t--) {
            int zt = t * 4 * hb;
            int hp = t * hb;
            part.outputGrad().readFloats(hp, eps, 0, hb);
            pass.gatesMem.readFloats(zt, act, 0, 4 * hb);
            cells.readFloats(hp, previousCell, 0, hb);
            cellOutputs.readFloats(hp, cellOut, 0, hb);
            pass.splitStateGradient(t, laterH, eps, mixedH, carriedH);
            for (int k = 0; k < hb; k++) {
                mixedC[k] = mixedH[k] * act[2 * hb + k];
            }
            cellFn.scaleByDerivative(cellOut, 0, mixedC, 0, hb);
            cellGradient(pass, t, laterC, mixedC, act);
            for (int k = 0; k < hb; k++) {
                float dcMixed = mixedC[k];
                dz[k] = dcMixed * act[3 * hb + k];
                dz[hb + k] = dcMixed * previousCell[k];
                dz[2 * hb + k] = mixedH[k] * cellOut[k];
                dz[3 * hb + k] = dcMixed * act[k];
            }
            gateFn.scaleByDerivative(act, 0, dz, 0, 3 * hb);
            cellFn.scaleByDerivative(act, 3 * hb, dz, 3 * hb, hb);
            pass.zMem.writeFloats(zt, dz, 0, 4 * hb);
            recurrentBackward(part, u, dh, dUt, t);
            pass.projectStepBackward(t, dz, part);
            dh.readFloats(0, laterH, 0, hb);
            pass.addCarried(laterH, carriedH);
        }
        dh.writeFloats(0, laterH, 0, hb);
        dc.writeFloats(0, laterC, 0, hb);
    }

    /**
     * Once {@code Z_t} holds {@code dL/dz_t}: {@code dL/dh_{t-1} = U·dz_t} into {@code dh}, {@code dL/dUᵀ +=
     * dz_t h_{t-1}ᵀ}, and the step input's backward pass (which adds to {@code dh}).
     */
    private static void recurrentBackward(BatchParts.PartGradients part, NativeArray u, NativeArray dh,
                                          NativeArray dUt, int t) {
        SequencePass pass = part.pass();
        int h = pass.hidden;
        int batch = pass.batch;
        int zt = t * 4 * h * batch;
        gemm(false, false, h, batch, 4 * h, 1.0, u, 0, 4 * h, pass.zMem, zt, batch, 0.0, dh, 0, batch);
        gemm(false, true, 4 * h, h, batch, 1.0, pass.zMem, zt, batch, pass.statesMem, t * h * batch, batch, 1.0, dUt,
                0, h);
        pass.stepInputBackward(t, 4 * h, part.dh());
    }

    /** {@link #cellGradient(SequencePass, int, double[], double[], double[])} for the float32 loop. */
    private static void cellGradient(SequencePass pass, int t, float[] later, float[] mixed, float[] act) {
        int hb = later.length;
        if (pass.mask == null) {
            for (int k = 0; k < hb; k++) {
                mixed[k] += later[k];
                later[k] = mixed[k] * act[hb + k];
            }
            return;
        }
        int batch = pass.batch;
        for (int i = 0; i < pass.hidden; i++) {
            int row = i * batch;
            for (int j = 0; j < batch; j++) {
                float m = pass.floatMask[t * batch + j];
                int k = row + j;
                mixed[k] += m * later[k];
                later[k] = mixed[k] * act[hb + k] + (1.0f - m) * later[k];
            }
        }
    }

    /**
     * {@code dL/dc~_t = m dL/dc_t + dh-part} (the latter already in {@code mixed}), and the gradient passed to
     * {@code c_{t-1}}: {@code later = dL/dc~_t ⊙ f + (1 - m) dL/dc_t} — a padded step ({@code m = 0}) passes
     * {@code dL/dc_t} on unchanged.
     */
    private static void cellGradient(SequencePass pass, int t, double[] later, double[] mixed, double[] act) {
        int hb = later.length;
        if (pass.mask == null) {
            for (int k = 0; k < hb; k++) {
                mixed[k] += later[k];
                later[k] = mixed[k] * act[hb + k];
            }
            return;
        }
        int batch = pass.batch;
        for (int i = 0; i < pass.hidden; i++) {
            int row = i * batch;
            for (int j = 0; j < batch; j++) {
                double m = pass.mask[t * batch + j];
                int k = row + j;
                mixed[k] += m * later[k];
                later[k] = mixed[k] * act[hb + k] + (1.0 - m) * later[k];
            }
        }
    }
}
