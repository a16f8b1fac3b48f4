package org.seqzoo.models.rnn;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Owns the flat parameter layout of seqzoo's gated recurrent layers ({@link GRU}: {@code G = 3} gate blocks
 * {@code r | z | n}; {@link LSTM}: {@code G = 4}, {@code i | f | o | g}). With {@code H = nOut}, the
 * parameters are, in this order in the flat view:
 * <ul>
 *   <li>{@value #INPUT_WEIGHT_KEY} — input weights {@code [nIn, G·H]}, one column block per gate;</li>
 *   <li>{@value #RECURRENT_WEIGHT_KEY} — recurrent weights {@code [H, G·H]}, same blocks;</li>
 *   <li>{@value #BIAS_KEY} — bias {@code [1, G·H]}, added to the input projection;</li>
 *   <li>{@value #RECURRENT_BIAS_KEY} — only for a reset-after GRU: {@code b_un [1, H]}, the recurrent
 *       candidate bias inside the reset product {@code r ⊙ (U_n h + b_un)}.</li>
 * </ul>
 * Weight matrices are column-major ({@code 'f'}), as in DL4J's own layers, so each gate's column block is
 * contiguous. How PyTorch's weights map onto this: {@code org.seqzoo.models.imports.TorchRnnImport}.
 */
public final class GatedParamInitializer implements ParamInitializer {

    public static final String INPUT_WEIGHT_KEY = "W";
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    public static final String BIAS_KEY = "b";
    public static final String RECURRENT_BIAS_KEY = "RB";

    private static final GatedParamInitializer INSTANCE = new GatedParamInitializer();

    private GatedParamInitializer() {
    }

    public static GatedParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        GatedRecurrentLayer conf = (GatedRecurrentLayer) layer;
        long nIn = conf.getNIn();
        long h = conf.getNOut();
        long g = conf.gateBlocks();
        return nIn * g * h + h * g * h + g * h + (conf.hasRecurrentCandidateBias() ? h : 0);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> keys = new ArrayList<>(weightKeys(layer));
        keys.addAll(biasKeys(layer));
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(INPUT_WEIGHT_KEY, RECURRENT_WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return ((GatedRecurrentLayer) layer).hasRecurrentCandidateBias() ? List.of(BIAS_KEY, RECURRENT_BIAS_KEY)
                : List.of(BIAS_KEY);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return INPUT_WEIGHT_KEY.equals(key) || RECURRENT_WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key) || RECURRENT_BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        GatedRecurrentLayer layer = (GatedRecurrentLayer) conf.getLayer();
        Map<String, INDArray> params = views(layer, paramsView);
        if (initializeParams) {
            long nIn = layer.getNIn();
            long h = layer.getNOut();
            INDArray w = params.get(INPUT_WEIGHT_KEY);
            // Fan-in/fan-out of one gate's matrix (as Keras does), not of the gates stacked together.
            layer.getWeightInitFn().init(nIn, h, w.shape(), 'f', w);
            IWeightInit recurrentInit = layer.getWeightInitFnRecurrent() != null
                    ? layer.getWeightInitFnRecurrent() : layer.getWeightInitFn();
            INDArray rw = params.get(RECURRENT_WEIGHT_KEY);
            recurrentInit.init(h, h, rw.shape(), 'f', rw);
            double biasInit = Double.isNaN(layer.getBiasInit()) ? 0.0 : layer.getBiasInit();
            layer.initBias(params.get(BIAS_KEY), biasInit);
            if (layer.hasRecurrentCandidateBias()) {
                params.get(RECURRENT_BIAS_KEY).assign(biasInit);
            }
        }
        for (String key : params.keySet()) {
            conf.addVariable(key);
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((GatedRecurrentLayer) conf.getLayer(), gradientView);
    }

    /** Splits a flat parameter (or gradient) view into the named, shaped views described above. */
    private static Map<String, INDArray> views(GatedRecurrentLayer layer, INDArray flat) {
        long nIn = layer.getNIn();
        long h = layer.getNOut();
        long g = layer.gateBlocks();
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        long pos = 0;
        out.put(INPUT_WEIGHT_KEY, row.get(interval(pos, pos + nIn * g * h)).reshape('f', nIn, g * h));
        pos += nIn * g * h;
        out.put(RECURRENT_WEIGHT_KEY, row.get(interval(pos, pos + h * g * h)).reshape('f', h, g * h));
        pos += h * g * h;
        out.put(BIAS_KEY, row.get(interval(pos, pos + g * h)).reshape(1, g * h));
        pos += g * h;
        if (layer.hasRecurrentCandidateBias()) {
            out.put(RECURRENT_BIAS_KEY, row.get(interval(pos, pos + h)).reshape(1, h));
        }
        return out;
    }
}
