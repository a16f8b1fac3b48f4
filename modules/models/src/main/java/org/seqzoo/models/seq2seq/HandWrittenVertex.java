package org.seqzoo.models.seq2seq;

import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Base of seqzoo's graph vertices with parameters (decoders, attention): a DL4J graph-vertex configuration
 * whose forward and backward passes are written by hand (see {@link HandWrittenGraphVertex}), not by SameDiff.
 *
 * <p>It extends DL4J's {@link SameDiffVertex} for one reason: a {@code ComputationGraph} applies its global
 * training configuration (updater, regularisation, gradient normalisation) only to vertices of that type. The
 * SameDiff machinery itself is never used — {@link #defineVertex} is not called — which also keeps these
 * vertices clear of the doubled gradients SameDiff vertices get inside a DL4J network (DESIGN.md).
 * Parameters are declared in {@link #defineParametersAndInputs} with their shapes; weights listed there are
 * reshaped in {@link #paramReshapeOrder} order. Weights are initialised with {@link #getWeightInit()}: the one
 * set on the vertex, else the graph's, else Xavier.
 */
public abstract class HandWrittenVertex extends SameDiffVertex {

    private IWeightInit weightInit;

    public IWeightInit getWeightInit() {
        return weightInit;
    }

    public void setWeightInit(IWeightInit weightInit) {
        this.weightInit = weightInit;
    }

    /** The weight initialisation to use: this vertex's, else Xavier. */
    protected IWeightInit weightInitOrDefault() {
        return weightInit != null ? weightInit : new WeightInitXavier();
    }

    @Override
    public void applyGlobalConfigToLayer(NeuralNetConfiguration.Builder globalConfig) {
        if (weightInit == null) {
            weightInit = globalConfig.getWeightInitFn();
        }
    }

    @Override
    public final SDVariable defineVertex(SameDiff sameDiff, Map<String, SDVariable> layerInput,
                                         Map<String, SDVariable> paramTable, Map<String, SDVariable> maskVars) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " computes its forward and backward passes by hand; it has no SameDiff definition");
    }
}
