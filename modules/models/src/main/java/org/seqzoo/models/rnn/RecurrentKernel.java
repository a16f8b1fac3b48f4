package org.seqzoo.models.rnn;

import java.util.function.Supplier;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The forward and backward recurrences of a gated cell over whole sequences ({@link GRUKernel},
 * {@link LSTMKernel}), free of DL4J layer plumbing so that layers ({@link RecurrentKernelLayer}) and graph
 * vertices (seq2seq decoders, which need an initial state and its gradient) share one implementation.
 *
 * <p>Arrays in and out are DL4J's: inputs {@code [B, nIn, T]}, outputs {@code [B, H, T]} (NCW), states
 * {@code [B, H]}, masks {@code [B, T]} of 0/1. Padded steps output 0 and carry the state unchanged.
 */
public interface RecurrentKernel {

    /** What a forward pass computed; when run for backprop, also what the backward pass reads. */
    interface Pass {
        /**
         * Outputs {@code [B, H, T]} (NCW; stored as a C-order {@code [H, T, B]} array, see
         * {@link StepMajorLayout#outputStore}, or as a C-order {@code [T, B, H]} one by
         * {@link OneDnnRecurrentInference}), zero at masked steps.
         */
        INDArray output();

        /** The state after the last step: after each sequence's last real step when masked. */
        RecurrentState lastState();
    }

    /**
     * Gradients that do not go to parameters: {@code dL/d input} {@code [B, nIn, T]} and the initial state's,
     * assembled from the batch's parts only when asked for (decoders that start from a state need it, plain
     * layers do not), within the backward pass's workspaces.
     */
    record InputGradients(INDArray input, Supplier<RecurrentState> initialStateGradient) {
        /** {@code dL/dh_0} (and {@code dL/dc_0}), {@code [B, H]}. */
        public RecurrentState initialState() {
            return initialStateGradient.get();
        }
    }

    /**
     * Runs the recurrence over a whole sequence.
     *
     * @param weights      parameters (see {@link GateWeights})
     * @param input        {@code [B, nIn, T]}, any ordering
     * @param initialState the state before the first step, or {@code null} for zeros
     * @param mask         {@code [B, T]} of 0/1, or {@code null} when every step is real
     * @param stepInput    an extra per-step input depending on the previous state, or {@code null}
     * @param training     passed to the activation functions
     * @param forBackprop  whether {@link #backward} will follow (keeps its arrays in BP working memory)
     */
    Pass forward(GateWeights weights, INDArray input, RecurrentState initialState, INDArray mask,
                 StepInput stepInput, boolean training, boolean forBackprop, LayerWorkspaceMgr workspaces);

    /**
     * Backpropagates through a pass run with {@code forBackprop = true}, writing parameter gradients into
     * {@code gradients} ({@code 'f'}-order weight arrays; overwritten, not accumulated) and consuming the
     * pass's arrays.
     *
     * @param epsilon           {@code dL/d output} {@code [B, H, T]}
     * @param lastStateGradient {@code dL/d lastState} from outside (e.g. a decoder fed by this state), or
     *                          {@code null}
     * @param backLength        truncated BPTT: steps to go back from the end; {@code <= 0} for all
     */
    InputGradients backward(GateWeights weights, GateWeights gradients, Pass pass, INDArray epsilon,
                            RecurrentState lastStateGradient, int backLength, LayerWorkspaceMgr workspaces);
}
