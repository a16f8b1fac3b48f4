package org.seqzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link InterleavedTimer}: warm-up, then rounds that run the models in turn, each model's timed iterations after
 * one untimed one; every timed iteration comes back as a sample, and a round's figure is the mean of its samples.
 */
class InterleavedTimerTest {

    /** A model whose passes take {@code millis} and are logged by name (identity equality, as the real models). */
    private static final class SleepingModel implements BenchModel {
        private final String name;
        private final long millis;
        private final List<String> log;

        SleepingModel(String name, long millis, List<String> log) {
            this.name = name;
            this.millis = millis;
            this.log = log;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int gateBlocks() {
            return 3;
        }

        @Override
        public void trainStep() {
            infer();
        }

        @Override
        public void infer() {
            log.add(name);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void interleavesRoundsAndKeepsEverySample() {
        List<String> log = new ArrayList<>();
        BenchModel a = new SleepingModel("a", 1, log);
        BenchModel b = new SleepingModel("b, second", 3, log);
        InterleavedTimer.Timings timings = new InterleavedTimer(2, 3, 4).time(List.of(a, b), BenchModel::infer);

        List<String> expected = new ArrayList<>(List.of("a", "a", "b, second", "b, second"));      // warm-up
        for (int round = 0; round < 3; round++) {
            for (String model : List.of("a", "b, second")) {
                for (int i = 0; i < 1 + 4; i++) {                                 // untimed, then 4 timed
                    expected.add(model);
                }
            }
        }
        assertEquals(expected, log);

        List<InterleavedTimer.Sample> samples = timings.samples();
        assertEquals(2 * 3 * 4, samples.size());
        for (int round = 0; round < 3; round++) {
            for (BenchModel model : List.of(a, b)) {
                int r = round;
                List<InterleavedTimer.Sample> ofRound = samples.stream()
                        .filter(s -> s.model().equals(model.name()) && s.round() == r).toList();
                assertEquals(List.of(0, 1, 2, 3), ofRound.stream().map(InterleavedTimer.Sample::iteration).toList());
                double mean = ofRound.stream().mapToDouble(InterleavedTimer.Sample::ms).average().orElseThrow();
                assertEquals(mean, timings.perRound().get(model)[round], 1e-9, "round figure = mean of samples");
                ofRound.forEach(s -> assertTrue(s.ms() >= ((SleepingModel) model).millis, "a sample covers its pass: " + s));
            }
        }
        for (int i = 1; i < samples.size(); i++) {
            assertTrue(samples.get(i).startMs() >= samples.get(i - 1).startMs(), "samples in time order");
        }
    }
}
