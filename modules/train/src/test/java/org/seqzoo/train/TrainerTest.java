package org.seqzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.seqzoo.models.seq2seq.Seq2SeqGraphs;
import org.seqzoo.train.bundle.ModelBundle;
import org.seqzoo.train.plots.MetricRecord;
import org.seqzoo.train.progress.MetricsLog;

/**
 * The trainer's contract: it writes its outputs, a resumed run reaches exactly the parameters of an
 * uninterrupted one, NaN stops training naming the step, an existing run is not overwritten.
 */
class TrainerTest {

    private static TrainingSettings.Builder settings(Path dir) {
        return TrainingSettings.builder(dir).batchSize(16).validEvery(10).checkpointEvery(10).logEvery(5)
                .decodeLimit(20).earlyStopping("loss", 0).batching(200, 4, 2).seed(9).quiet(true);
    }

    @Test
    void writesModelCheckpointMetricsAndCurves(@TempDir Path dir) throws IOException {
        Trainer.Result result = Trainer.train(TinyModels.bahdanau(1), TinyModels.data(), settings(dir).maxSteps(20).build());
        assertEquals(20, result.steps());
        for (String file : List.of(Trainer.MODEL, Trainer.BEST, Trainer.CHECKPOINT, Trainer.METRICS, Trainer.CURVES)) {
            assertTrue(Files.size(dir.resolve(file)) > 0, file);
        }
        List<MetricRecord> records = MetricsLog.read(dir.resolve(Trainer.METRICS));
        assertEquals(4, records.stream().filter(r -> r.split().equals("train")).count());
        assertEquals(2, records.stream().filter(r -> r.split().equals("valid")).count());
        assertTrue(records.stream().filter(r -> r.split().equals("valid")).allMatch(r -> r.values().containsKey("bleu")));
        ModelBundle model = ModelBundle.load(dir.resolve(Trainer.MODEL));
        assertEquals(result.model().graph().params(), model.graph().params());
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path dir) {
        Path whole = dir.resolve("whole");
        Path split = dir.resolve("split");
        Trainer.train(TinyModels.bahdanau(3), TinyModels.data(), settings(whole).maxSteps(30).build());
        Trainer.train(TinyModels.bahdanau(3), TinyModels.data(), settings(split).maxSteps(10).build());
        Trainer.resume(TinyModels.data(), settings(split).maxSteps(30).build());
        ModelBundle a = ModelBundle.load(whole.resolve(Trainer.CHECKPOINT));
        ModelBundle b = ModelBundle.load(split.resolve(Trainer.CHECKPOINT));
        assertEquals(a.graph().params(), b.graph().params(), "parameters after 30 steps");
        assertEquals(a.graph().getUpdater().getStateViewArray(), b.graph().getUpdater().getStateViewArray());
    }

    @Test
    void nanLossStopsTrainingNamingTheStep(@TempDir Path dir) {
        ModelBundle poisoned = TinyModels.bahdanau(4);
        poisoned.graph().getLayer(Seq2SeqGraphs.OUTPUT).getParam("b").putScalar(0, Double.NaN);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Trainer.train(poisoned, TinyModels.data(), settings(dir).maxSteps(5).build()));
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("training diverged at step 1"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(Trainer.CHECKPOINT)), "no checkpoint of a diverged model");
    }

    @Test
    void anExistingRunIsNotOverwritten(@TempDir Path dir) {
        Trainer.train(TinyModels.bahdanau(5), TinyModels.data(), settings(dir).maxSteps(10).build());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Trainer.train(TinyModels.bahdanau(5), TinyModels.data(), settings(dir).maxSteps(10).build()));
        assertTrue(e.getMessage().contains("resume"), e.getMessage());
    }
}
