package org.seqzoo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link InterleavedTimer}: warm-up rounds until the JIT compilers are quiet, then rounds that run the models in
 * turn, each model's timed iterations after one untimed one; every timed iteration comes back as a sample (with the
 * JVM's compilation and collection time in it), and a round's figure is the mean of its samples.
 */
class InterleavedTimerTest {

    /** JIT compilation and collection milliseconds that the test's models report themselves. */
    private static final class ScriptedJvm implements JvmActivity {
        long compilation;
        long collection;

        @Override
        public long compilationMs() {
            return compilation;
        }

        @Override
        public long collectionMs() {
            return collection;
        }
    }

    /** A test model: a name, and a training step that is its inference pass. */
    private abstract static class NamedModel implements BenchModel {
        private final String name;

        NamedModel(String name) {
            this.name = name;
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
    }

    /**
     * A model whose passes take {@code millis}, are logged by name (identity equality, as the real models), and
     * make the JVM report {@code compileMs} of compilation on each of the first {@code compilingPasses}.
     */
    private static final class ScriptedModel extends NamedModel {
        private final long millis;
        private final List<String> log;
        private final ScriptedJvm jvm;
        private final int compilingPasses;
        private final long compileMs;
        private int passes;

        ScriptedModel(String name, long millis, List<String> log, ScriptedJvm jvm, int compilingPasses,
                      long compileMs) {
            super(name);
            this.millis = millis;
            this.log = log;
            this.jvm = jvm;
            this.compilingPasses = compilingPasses;
            this.compileMs = compileMs;
        }

        @Override
        public void infer() {
            log.add(name());
            if (passes++ < compilingPasses) {
                jvm.compilation += compileMs;
            }
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
        ScriptedJvm jvm = new ScriptedJvm();
        BenchModel a = new ScriptedModel("a", 1, log, jvm, 0, 0);
        BenchModel b = new ScriptedModel("b, second", 3, log, jvm, 0, 0);
        InterleavedTimer.Timings timings = new InterleavedTimer(2, 3, 4, jvm).time(List.of(a, b), BenchModel::infer);

        List<String> expected = new ArrayList<>(List.of("a", "b, second", "a", "b, second"));  // 2 quiet warm-up rounds
        for (int round = 0; round < 3; round++) {
            for (String model : List.of("a", "b, second")) {
                for (int i = 0; i < 1 + 4; i++) {                                 // untimed, then 4 timed
                    expected.add(model);
                }
            }
        }
        assertEquals(expected, log);
        assertEquals(2, timings.warmupRounds());

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
                long millis = ((ScriptedModel) model).millis;
                ofRound.forEach(s -> assertTrue(s.ms() >= millis, "a sample covers its pass: " + s));
            }
        }
        for (int i = 1; i < samples.size(); i++) {
            assertTrue(samples.get(i).startMs() >= samples.get(i - 1).startMs(), "samples in time order");
        }
    }

    @Test
    void warmsUpUntilARoundWithoutCompilation() {
        ScriptedJvm jvm = new ScriptedJvm();
        List<String> log = new ArrayList<>();
        BenchModel quiet = new ScriptedModel("quiet", 0, log, jvm, 0, 0);
        BenchModel compiling = new ScriptedModel("compiling", 0, log, jvm, 7, InterleavedTimer.QUIET_COMPILATION_MS);
        InterleavedTimer.Timings timings = new InterleavedTimer(2, 1, 1, jvm)
                .time(List.of(quiet, compiling), BenchModel::infer);

        assertEquals(8, timings.warmupRounds(), "7 rounds compiled, the 8th was quiet");
        assertEquals(8 * 2 + 2 * 1 + 2 * 1, log.size(), "warm-up rounds, then one untimed and one timed pass each");
        timings.samples().forEach(s -> assertEquals(0, s.compilationMs(), "nothing compiled when timed: " + s));
    }

    @Test
    void aCompilationSmallerThanTheThresholdIsQuiet() {
        ScriptedJvm jvm = new ScriptedJvm();
        BenchModel model = new ScriptedModel("m", 0, new ArrayList<>(), jvm, 100,
                InterleavedTimer.QUIET_COMPILATION_MS - 1);
        assertEquals(3, new InterleavedTimer(3, 1, 1, jvm).time(List.of(model), BenchModel::infer).warmupRounds());
    }

    @Test
    void aCompilationSmallAgainstTheRoundIsQuiet() {
        ScriptedJvm jvm = new ScriptedJvm();
        BenchModel slow = new ScriptedModel("slow", 300, new ArrayList<>(), jvm, Integer.MAX_VALUE,
                InterleavedTimer.QUIET_COMPILATION_MS);                                  // < 2 % of 300 ms
        assertEquals(1, new InterleavedTimer(1, 1, 1, jvm).time(List.of(slow), BenchModel::infer).warmupRounds());
    }

    @Test
    void warmUpStopsAtItsLimitAndIsSkippedWhenZero() {
        ScriptedJvm jvm = new ScriptedJvm();
        BenchModel always = new ScriptedModel("always compiling", 0, new ArrayList<>(), jvm, Integer.MAX_VALUE, 50);
        InterleavedTimer.Timings limited = new InterleavedTimer(1, 1, 2, jvm).time(List.of(always), BenchModel::infer);
        assertEquals(InterleavedTimer.MAX_WARMUP_ROUNDS, limited.warmupRounds());
        limited.samples().forEach(s -> assertEquals(50, s.compilationMs(), "charged to the pass it fell in: " + s));

        assertEquals(0, new InterleavedTimer(0, 1, 1, jvm).time(List.of(always), BenchModel::infer).warmupRounds());
        assertThrows(IllegalArgumentException.class,
                () -> new InterleavedTimer(InterleavedTimer.MAX_WARMUP_ROUNDS + 1, 1, 1, jvm));
    }

    /** A model whose pass keeps a few MB alive through two full collections. */
    private static final class CollectingModel extends NamedModel {
        CollectingModel() {
            super("collecting");
        }

        @Override
        @SuppressWarnings("unused")
        public void infer() {
            long[][] live = new long[64][1 << 15];
            System.gc();
            System.gc();
            live[live.length - 1][0] = live.length;
        }
    }

    @Test
    void chargesThisJvmsCollectionsToTheSampleTheyFellIn() {
        BenchModel sleeping = new ScriptedModel("sleeping", 2, new ArrayList<>(), new ScriptedJvm(), 0, 0);
        BenchModel collecting = new CollectingModel();
        List<InterleavedTimer.Sample> samples = new InterleavedTimer(0, 2, 3)
                .time(List.of(sleeping, collecting), BenchModel::infer).samples();

        long collectedInPasses = samples.stream().filter(s -> s.model().equals("collecting"))
                .mapToLong(InterleavedTimer.Sample::collectionMs).sum();
        assertTrue(collectedInPasses > 0, "6 passes with two full collections each report their time");
        samples.forEach(s -> assertTrue(s.collectionMs() <= Math.ceil(s.ms()) + 1, "within its pass: " + s));
        samples.stream().filter(s -> s.model().equals("sleeping"))
                .forEach(s -> assertEquals(0, s.collectionMs(), "no collection while sleeping: " + s));
    }
}
