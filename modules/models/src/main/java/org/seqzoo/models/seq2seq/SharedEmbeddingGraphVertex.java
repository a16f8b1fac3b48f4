package org.seqzoo.models.seq2seq;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link SharedEmbeddingVertex}: row lookup {@code E[id]} for every step; backward scatters the
 * step gradients into {@code dE}. A tied vertex hands its {@code dE} to the owner, whose backward pass runs
 * after it (the tied vertex consumes the owner's output), and adds it to its own.
 */
public class SharedEmbeddingGraphVertex extends HandWrittenGraphVertex {

    private final SharedEmbeddingVertex conf;
    private INDArray pendingTiedGradient;

    public SharedEmbeddingGraphVertex(SharedEmbeddingVertex conf, ComputationGraph graph, String name, int index,
                                      INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(conf, graph, name, index, paramsView, initializeParams, dataType);
        this.conf = conf;
    }

    private INDArray matrix() {
        return conf.getRole() == SharedEmbeddingVertex.Role.OWNER ? params.get(SharedEmbeddingVertex.WEIGHT_KEY)
                : owner().params.get(SharedEmbeddingVertex.WEIGHT_KEY);
    }

    private SharedEmbeddingGraphVertex owner() {
        return (SharedEmbeddingGraphVertex) graph.getVertex(conf.getOwnerName());
    }

    /** Token ids as ints, row-major over {@code (b, t)}; checked against the vocabulary. */
    private int[] ids(INDArray input) {
        int[] ids = flatten(input.reshape(input.size(0), input.size(input.rank() - 1)).toIntMatrix());
        for (int id : ids) {
            if (id < 0 || id >= conf.getVocabularySize()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of size "
                        + conf.getVocabularySize() + " in vertex '" + vertexName + "'");
            }
        }
        return ids;
    }

    private static int[] flatten(int[][] matrix) {
        int cols = matrix.length == 0 ? 0 : matrix[0].length;
        int[] out = new int[matrix.length * cols];
        for (int r = 0; r < matrix.length; r++) {
            System.arraycopy(matrix[r], 0, out, r * cols, cols);
        }
        return out;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray input = inputs[0];
        long batch = input.size(0);
        long steps = input.size(input.rank() - 1);
        INDArray rows = matrix().getRows(ids(input));                                  // [B·T, D]
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {batch, conf.getEmbeddingSize(), steps}, 'f');
        out.assign(rows.reshape('c', batch, steps, conf.getEmbeddingSize()).permute(0, 2, 1));
        INDArray mask = inputMask(0);
        if (mask != null) {
            out.muli(mask.castTo(dataType).reshape(batch, 1, steps));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray input = inputs[0];
        long batch = input.size(0);
        long steps = input.size(input.rank() - 1);
        INDArray eps = epsilon.castTo(dataType).dup('c');
        INDArray mask = inputMask(0);
        if (mask != null) {
            eps.muli(mask.castTo(dataType).reshape(batch, 1, steps));
        }
        INDArray stepGrads = eps.permute(0, 2, 1).dup('c').reshape('c', batch * steps, conf.getEmbeddingSize());
        int[] ids = ids(input);
        INDArray[] inputGrads = conf.getRole() == SharedEmbeddingVertex.Role.OWNER
                ? new INDArray[] {workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, input.shape())}
                : new INDArray[] {workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, input.shape()),
                        workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, inputs[1].shape())};
        if (conf.getRole() == SharedEmbeddingVertex.Role.TIED) {
            SharedEmbeddingGraphVertex owner = owner();
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray dE = Nd4j.zeros(dataType, conf.getVocabularySize(), conf.getEmbeddingSize());
                scatter(dE, ids, stepGrads);
                owner.pendingTiedGradient = owner.pendingTiedGradient == null ? dE : owner.pendingTiedGradient.addi(dE);
            }
            return new Pair<>(null, inputGrads);
        }
        INDArray dE = gradients.get(SharedEmbeddingVertex.WEIGHT_KEY);
        dE.assign(0.0);
        scatter(dE, ids, stepGrads);
        if (pendingTiedGradient != null) {
            dE.addi(pendingTiedGradient);
            pendingTiedGradient = null;
        }
        Gradient gradient = new DefaultGradient(getGradientsViewArray());
        gradient.gradientForVariable().put(SharedEmbeddingVertex.WEIGHT_KEY, dE);
        return new Pair<>(gradient, inputGrads);
    }

    private static void scatter(INDArray dE, int[] ids, INDArray stepGrads) {
        for (int i = 0; i < ids.length; i++) {
            dE.getRow(ids[i]).addi(stepGrads.getRow(i));
        }
    }

    @Override
    protected INDArray outputMask() {
        return inputMask(0);
    }
}
