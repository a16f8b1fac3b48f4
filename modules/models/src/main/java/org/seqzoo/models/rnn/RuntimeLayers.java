package org.seqzoo.models.rnn;

import java.util.Collection;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a DL4J layer configuration's {@code instantiate} does to the runtime layer it creates, shared by seqzoo's
 * configurations: listeners, index, its view of the network's parameters (initialised by the configuration's
 * {@link ParamInitializer} when asked) and its configuration.
 */
final class RuntimeLayers {

    private RuntimeLayers() {
    }

    static <L extends AbstractLayer<?>> L wired(L layer, NeuralNetConfiguration conf,
                                                Collection<TrainingListener> listeners, int index,
                                                INDArray paramsView, boolean initializeParams,
                                                ParamInitializer initializer) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
