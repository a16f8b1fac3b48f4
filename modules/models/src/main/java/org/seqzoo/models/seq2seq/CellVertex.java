package org.seqzoo.models.seq2seq;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.seqzoo.models.rnn.GatedRecurrentLayer;
import org.seqzoo.models.rnn.LSTM;

/**
 * A {@link HandWrittenVertex} that runs a seqzoo recurrent cell (a decoder): owns the cell configuration, keeps
 * the cell's weight matrices in the {@code 'f'} order its kernel reads ({@link CellParams}), and gives the cell the
 * graph's weight initialisation when it has none.
 */
public abstract class CellVertex extends HandWrittenVertex {

    private GatedRecurrentLayer cell;

    /** For JSON deserialisation only. */
    protected CellVertex() {
    }

    protected CellVertex(GatedRecurrentLayer cell) {
        this.cell = java.util.Objects.requireNonNull(cell, "cell");
    }

    public GatedRecurrentLayer getCell() {
        return cell;
    }

    public void setCell(GatedRecurrentLayer cell) {
        this.cell = cell;
    }

    /** Whether the cell is an LSTM (its state has a cell part). */
    boolean lstm() {
        return cell instanceof LSTM;
    }

    @Override
    public char paramReshapeOrder(String paramName) {
        return CellParams.isCellWeight(paramName) ? 'f' : 'c';
    }

    @Override
    public void applyGlobalConfigToLayer(NeuralNetConfiguration.Builder globalConfig) {
        super.applyGlobalConfigToLayer(globalConfig);
        if (cell.getWeightInitFn() == null) {
            cell.setWeightInitFn(globalConfig.getWeightInitFn());
        }
    }
}
