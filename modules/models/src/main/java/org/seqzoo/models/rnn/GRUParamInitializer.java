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
 * Owns the flat parameter layout of a {@link GRU} layer. With {@code H = nOut}, the parameters are, in
 * this order in the flat view:
 * <ul>
 *   <li>{@value #INPUT_WEIGHT_KEY} — input weights {@code [nIn, 3H]}: column blocks {@code W_r | W_z | W_n};</li>
 *   <li>{@value #RECURRENT_WEIGHT_KEY} — recurrent weights {@code [H, 3H]}: {@code U_r | U_z | U_n};</li>
 *   <li>{@value #BIAS_KEY} — bias {@code [1, 3H]}: {@code b_r | b_z | b_n}, added to the input projection;</li>
 *   <li>{@value #RECURRENT_BIAS_KEY} — only when {@code resetAfter}: {@code b_un [1, H]}, the recurrent
 *       candidate bias that sits inside the reset product {@code r ⊙ (U_n h + b_un)}.</li>
 * </ul>
 * Weight matrices are column-major ({@code 'f'}), as in DL4J's own layers, so each gate's column block is
 * contiguous. A PyTorch GRU's two bias vectors map as {@code b_r = b_ir + b_hr}, {@code b_z = b_iz + b_hz};
 * {@code b_n = b_in} and {@code b_un = b_hn} when {@code resetAfter}, {@code b_n = b_in + b_hn} otherwise
 * (see {@code org.seqzoo.models.imports.TorchRnnImport}).
 */
public final class GRUParamInitializer implements ParamInitializer {

    public static final String INPUT_WEIGHT_KEY = "W";
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    public static final String BIAS_KEY = "b";
    public static final String RECURRENT_BIAS_KEY = "RB";

    private static final GRUParamInitializer INSTANCE = new GRUParamInitializer();

    private GRUParamInitializer() {
    }

    public static GRUParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        GRU gru = (GRU) layer;
        long nIn = gru.getNIn();
        long h = gru.getNOut();
        return nIn * 3 * h + h * 3 * h + 3 * h + (gru.isResetAfter() ? h : 0);
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
        return ((GRU) layer).isResetAfter() ? List.of(BIAS_KEY, RECURRENT_BIAS_KEY) : List.of(BIAS_KEY);
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
        GRU gru = (GRU) conf.getLayer();
        Map<String, INDArray> params = views(gru, paramsView);
        if (initializeParams) {
            long nIn = gru.getNIn();
            long h = gru.getNOut();
            INDArray w = params.get(INPUT_WEIGHT_KEY);
            // Fan-in/fan-out of one gate's matrix (as Keras does), not of the three stacked together.
            gru.getWeightInitFn().init(nIn, h, w.shape(), 'f', w);
            IWeightInit recurrentInit = gru.getWeightInitFnRecurrent() != null
                    ? gru.getWeightInitFnRecurrent() : gru.getWeightInitFn();
            INDArray rw = params.get(RECURRENT_WEIGHT_KEY);
            recurrentInit.init(h, h, rw.shape(), 'f', rw);
            double biasInit = Double.isNaN(gru.getBiasInit()) ? 0.0 : gru.getBiasInit();
            params.get(BIAS_KEY).assign(biasInit);
            if (gru.isResetAfter()) {
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
        return views((GRU) conf.getLayer(), gradientView);
    }

    /** Splits a flat parameter (or gradient) view into the named, shaped views described above. */
    private static Map<String, INDArray> views(GRU gru, INDArray flat) {
        long nIn = gru.getNIn();
        long h = gru.getNOut();
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        long pos = 0;
        out.put(INPUT_WEIGHT_KEY, row.get(interval(pos, pos + nIn * 3 * h)).reshape('f', nIn, 3 * h));
        pos += nIn * 3 * h;
        out.put(RECURRENT_WEIGHT_KEY, row.get(interval(pos, pos + h * 3 * h)).reshape('f', h, 3 * h));
        pos += h * 3 * h;
        out.put(BIAS_KEY, row.get(interval(pos, pos + 3 * h)).reshape(1, 3 * h));
        pos += 3 * h;
        if (gru.isResetAfter()) {
            out.put(RECURRENT_BIAS_KEY, row.get(interval(pos, pos + h)).reshape(1, h));
        }
        return out;
    }
}
