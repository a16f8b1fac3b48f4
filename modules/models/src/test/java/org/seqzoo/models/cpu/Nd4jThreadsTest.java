package org.seqzoo.models.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class Nd4jThreadsTest {

    @Test
    void defaultAppliesWhenNothingOverridesIt() {
        assertEquals(Optional.of(Nd4jThreads.DEFAULT), Nd4jThreads.chosen(null, null, null));
    }

    @Test
    void propertyWinsOverEnvironmentAndExplicitOmpLeavesNd4jAlone() {
        assertEquals(Optional.of(new Nd4jThreads.Setting(1, 2)), Nd4jThreads.chosen("1,2", "3", "4"));
        assertEquals(Optional.of(new Nd4jThreads.Setting(3, 3)), Nd4jThreads.chosen(null, "3", null));
        assertTrue(Nd4jThreads.chosen("off", null, null).isEmpty());
        assertTrue(Nd4jThreads.chosen(null, null, "2").isEmpty());
    }

    @Test
    void malformedSettingsAreRejectedWithTheirText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nd4jThreads.chosen("two", null, null));
        assertTrue(e.getMessage().contains("'two'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Nd4jThreads.Setting.parse("0,1"));
    }
}
