package org.seqzoo.bench;

import org.seqzoo.models.cpu.FloatGemm;

/**
 * A model timed with a given float32 matrix product ({@link FloatGemm.Backend}) in force during its steps, the
 * default restored after each: the benchmark's OpenBLAS baseline for seqzoo's oneDNN products, in the same run.
 */
final class WithGemmBackend implements BenchModel {

    private final String name;
    private final BenchModel model;
    private final FloatGemm.Backend backend;

    WithGemmBackend(String name, BenchModel model, FloatGemm.Backend backend) {
        this.name = name;
        this.model = model;
        this.backend = backend;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int gateBlocks() {
        return model.gateBlocks();
    }

    @Override
    public void trainStep() {
        run(model::trainStep);
    }

    @Override
    public void infer() {
        run(model::infer);
    }

    private void run(Runnable step) {
        FloatGemm.Backend before = FloatGemm.backend();
        FloatGemm.use(backend);
        try {
            step.run();
        } finally {
            FloatGemm.use(before);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
