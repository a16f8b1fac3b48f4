package org.seqzoo.models.rnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * libnd4j's native {@code gru} op as a second, independent reference: it computes the reset-after form
 * with one bias outside the reset product (gate blocks r, z, n; weights {@code [nIn, 3H]}, {@code [H, 3H]};
 * input time-major {@code [T, B, nIn]}), so it equals seqzoo's {@code resetAfter=true} GRU when the
 * recurrent candidate bias {@code b_un} is zero.
 */
class GRUNativeOpTest {

    @Test
    void resetAfterGruMatchesTheNativeGruOpWhenTheRecurrentCandidateBiasIsZero() {
        int batch = 4;
        int nIn = 5;
        int hidden = 6;
        int steps = 7;
        Nd4j.getRandom().setSeed(2024);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .list().layer(new GRU.Builder().nIn(nIn).nOut(hidden).build()).build());
        net.init();
        RecurrentKernelLayer layer = (RecurrentKernelLayer) net.getLayer(0);
        INDArray w = Nd4j.randn(DataType.DOUBLE, nIn, 3 * hidden).muli(0.5);
        INDArray rw = Nd4j.randn(DataType.DOUBLE, hidden, 3 * hidden).muli(0.5);
        INDArray b = Nd4j.randn(DataType.DOUBLE, 1, 3 * hidden).muli(0.5);
        layer.getParam(GatedParamInitializer.INPUT_WEIGHT_KEY).assign(w);
        layer.getParam(GatedParamInitializer.RECURRENT_WEIGHT_KEY).assign(rw);
        layer.getParam(GatedParamInitializer.BIAS_KEY).assign(b);
        layer.getParam(GatedParamInitializer.RECURRENT_BIAS_KEY).assign(0.0);

        INDArray x = Nd4j.randn(DataType.DOUBLE, batch, nIn, steps);
        INDArray h0 = Nd4j.randn(DataType.DOUBLE, batch, hidden).muli(0.3);
        layer.rnnSetPreviousState(Map.of(RecurrentKernelLayer.STATE_KEY_PREV_ACTIVATION, h0.dup()));
        INDArray ours = layer.rnnTimeStep(x, LayerWorkspaceMgr.noWorkspaces());        // [B, H, T]

        INDArray nativeOut = Nd4j.rnn().gru(x.permute(2, 0, 1).dup('c'), h0, w.dup('c'), rw.dup('c'),
                b.reshape(3 * hidden).dup());                                            // [T, B, H]
        INDArray difference = ours.permute(2, 0, 1).sub(nativeOut);
        assertEquals(0.0, difference.amaxNumber().doubleValue(), 1e-12, "max abs difference to native gru op");
    }
}
