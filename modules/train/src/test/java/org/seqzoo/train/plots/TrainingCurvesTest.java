package org.seqzoo.train.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesTest {

    @TempDir
    Path dir;

    static boolean hasColour(BufferedImage image, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void onePanelPerMetricWithTrainAndValidSeries() throws IOException {
        List<MetricRecord> records = new ArrayList<>();
        for (int step = 10; step <= 200; step += 10) {
            records.add(new MetricRecord(step, "train", Map.of("loss", 5.0 / step, "perplexity", Math.exp(50.0 / step))));
            if (step % 50 == 0) {
                records.add(new MetricRecord(step, "valid", Map.of("loss", 6.0 / step, "bleu", step / 4.0)));
            }
        }
        records.add(new MetricRecord(200, "valid", Map.of("loss", Double.NaN)));   // left out, not an error
        Path png = dir.resolve("plots/curves.png");
        TrainingCurves.write(png, records, "reverse task — GRU");

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * 520, image.getWidth(), "three metrics: two columns");
        assertEquals(44 + 2 * 330, image.getHeight(), "three metrics: two rows");
        assertTrue(hasColour(image, 0x1F77B4), "train series in blue");
        assertTrue(hasColour(image, 0xFF7F0E), "valid series in orange");
    }

    @Test
    void nothingToPlotIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> TrainingCurves.write(dir.resolve("x.png"), List.of(), "t"));
    }
}
