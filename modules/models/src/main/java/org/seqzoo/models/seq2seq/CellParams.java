package org.seqzoo.models.seq2seq;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.seqzoo.models.rnn.GatedParamInitializer;
import org.seqzoo.models.rnn.GatedRecurrentLayer;

/**
 * A recurrent cell's parameters inside a vertex: declared, initialised and read with the same names, shapes and
 * layout as in a seqzoo recurrent layer ({@link GatedParamInitializer}), so the vertex runs the same
 * {@link org.seqzoo.models.rnn.RecurrentKernel}.
 */
final class CellParams {

    private CellParams() {
    }

    /** Declares {@code W}, {@code RW} (weights) and {@code b}, {@code RB} (biases) of {@code cell}. */
    static void declare(SDVertexParams params, GatedRecurrentLayer cell) {
        long g = (long) cell.gateBlocks() * cell.getNOut();
        params.addWeightParam(GatedParamInitializer.INPUT_WEIGHT_KEY, cell.getNIn(), g);
        params.addWeightParam(GatedParamInitializer.RECURRENT_WEIGHT_KEY, cell.getNOut(), g);
        params.addBiasParam(GatedParamInitializer.BIAS_KEY, 1, g);
        if (cell.hasRecurrentCandidateBias()) {
            params.addBiasParam(GatedParamInitializer.RECURRENT_BIAS_KEY, 1, cell.getNOut());
        }
    }

    /** Whether {@code param} is one of the cell's weight matrices (kept in {@code 'f'} order). */
    static boolean isCellWeight(String param) {
        return GatedParamInitializer.INPUT_WEIGHT_KEY.equals(param)
                || GatedParamInitializer.RECURRENT_WEIGHT_KEY.equals(param);
    }

    /** Initialises the cell's parameters as its layer would (per-gate fans, the cell's bias rules). */
    static void initialize(Map<String, INDArray> params, GatedRecurrentLayer cell) {
        long h = cell.getNOut();
        IWeightInit init = weightInit(cell);
        INDArray w = params.get(GatedParamInitializer.INPUT_WEIGHT_KEY);
        init.init(cell.getNIn(), h, w.shape(), 'f', w);
        INDArray rw = params.get(GatedParamInitializer.RECURRENT_WEIGHT_KEY);
        (cell.getWeightInitFnRecurrent() != null ? cell.getWeightInitFnRecurrent() : init).init(h, h, rw.shape(), 'f', rw);
        double biasInit = Double.isNaN(cell.getBiasInit()) ? 0.0 : cell.getBiasInit();
        cell.initBias(params.get(GatedParamInitializer.BIAS_KEY), biasInit);
        if (cell.hasRecurrentCandidateBias()) {
            params.get(GatedParamInitializer.RECURRENT_BIAS_KEY).assign(biasInit);
        }
    }

    /** The cell's weight initialisation, Xavier when none was configured. */
    static IWeightInit weightInit(GatedRecurrentLayer cell) {
        return cell.getWeightInitFn() != null ? cell.getWeightInitFn() : new WeightInitXavier();
    }
}
