package org.seqzoo.models.seq2seq;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.seqzoo.models.rnn.RecurrentState;

/**
 * The {@code INITIAL_STATE} bridge of DESIGN.md: the decoder's first state from the encoder's summary
 * {@code C} ({@code [B, Hc]}): {@code s_0 = C} when {@link #project} is off (sizes must agree), else
 * {@code s_0 = tanh(C·W_s + b_s)} (Bahdanau et al. 2014 initialise from the encoder this way). An LSTM
 * decoder's cell state starts at zero.
 *
 * @param project whether to project (parameters {@code Ws [Hc, H]}, {@code bs [1, H]})
 */
record StateBridge(boolean project, long contextSize, long hidden, boolean lstm) {

    static final String WEIGHT_KEY = "Ws";
    static final String BIAS_KEY = "bs";

    void declare(SDVertexParams params) {
        if (project) {
            params.addWeightParam(WEIGHT_KEY, contextSize, hidden);
            params.addBiasParam(BIAS_KEY, 1, hidden);
        }
    }

    void initialize(Map<String, INDArray> params, IWeightInit init) {
        if (project) {
            INDArray w = params.get(WEIGHT_KEY);
            init.init(contextSize, hidden, w.shape(), 'c', w);
            params.get(BIAS_KEY).assign(0.0);
        }
    }

    /** {@code s_0} from {@code C}. */
    RecurrentState initialState(Map<String, INDArray> params, INDArray context) {
        INDArray h0 = project ? Transforms.tanh(context.mmul(params.get(WEIGHT_KEY)).addiRowVector(params.get(BIAS_KEY)),
                false) : context;
        return new RecurrentState(h0, lstm ? Nd4j.zerosLike(h0) : null);
    }

    /**
     * From {@code dL/ds_0} (the kernel's initial-state gradient; an LSTM's cell part does not reach {@code C}),
     * writes the projection's gradients and returns {@code dL/dC}.
     */
    INDArray backward(Map<String, INDArray> params, Map<String, INDArray> gradients, INDArray context,
                      RecurrentState initial, RecurrentState initialGradient) {
        if (!project) {
            return initialGradient.h();
        }
        INDArray h0 = initial.h();
        INDArray da = initialGradient.h().mul(h0.mul(h0).rsub(1.0));
        gradients.get(WEIGHT_KEY).assign(context.transpose().mmul(da));
        gradients.get(BIAS_KEY).assign(da.sum(true, 0));
        return da.mmul(params.get(WEIGHT_KEY).transpose());
    }
}
