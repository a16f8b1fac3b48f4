package org.seqzoo.models.cpu;

import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * DL4J's {@link Adam} (Kingma &amp; Ba 2015) — the same hyper-parameters, learning-rate schedule, updater state
 * ({@code m}, {@code v}) and update — computed by {@link ParallelAdamUpdater}: Java loops the JIT vectorises,
 * split over {@link KernelThreads}, instead of ND4J's {@code adam_updater} op on one thread. A drop-in for
 * {@code Adam} in a network configuration: {@code .updater(new ParallelAdam(1e-3))}. Per parameter, with
 * {@code t} the iteration (from 0) and {@code g} the gradient:
 * <pre>
 * m ← β1·m + (1 − β1)·g      v ← β2·v + (1 − β2)·g²
 * update = α_t · m / (√v + ε)      α_t = lr · √(1 − β2^(t+1)) / (1 − β1^(t+1))
 * </pre>
 */
public class ParallelAdam extends Adam {

    /** DL4J's defaults: learning rate 1e-3, β1 0.9, β2 0.999, ε 1e-8. */
    public ParallelAdam() {
        super();
    }

    public ParallelAdam(double learningRate) {
        super(learningRate);
    }

    public ParallelAdam(ISchedule learningRateSchedule) {
        super(learningRateSchedule);
    }

    public ParallelAdam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        AdamUpdater views = (AdamUpdater) super.instantiate(viewArray, initializeViewArray);
        return new ParallelAdamUpdater(this, views.getState());
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        AdamUpdater views = (AdamUpdater) super.instantiate(updaterState, initializeStateArrays);
        return new ParallelAdamUpdater(this, views.getState());
    }

    @Override
    public ParallelAdam clone() {
        ParallelAdam copy = new ParallelAdam(getLearningRate(), getBeta1(), getBeta2(), getEpsilon());
        copy.setLearningRateSchedule(getLearningRateSchedule() == null ? null : getLearningRateSchedule().clone());
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParallelAdam && super.equals(o);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof ParallelAdam;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + ParallelAdam.class.hashCode();
    }

    @Override
    public String toString() {
        return "Parallel" + super.toString();
    }
}
