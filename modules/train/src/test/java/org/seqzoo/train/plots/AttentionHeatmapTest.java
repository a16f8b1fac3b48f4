package org.seqzoo.train.plots;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionHeatmapTest {

    @TempDir
    Path dir;

    private static final List<String> SOURCE = List.of("The", "summer", "was", "hot", ".", "</s>");
    private static final List<String> FRENCH = List.of("L’", "été", "était", "«", "chaud", "»", ".", "</s>");

    private static float[][] diagonal(int rows, int columns) {
        float[][] weights = new float[rows][columns];
        for (int out = 0; out < rows; out++) {
            weights[out][Math.min(out, columns - 1)] = 1f;
        }
        return weights;
    }

    @Test
    void frenchTokensAndFullWeightsAreDrawn() throws IOException {
        Path png = dir.resolve("attention.png");
        AttentionHeatmap.write(png, SOURCE, FRENCH, diagonal(FRENCH.size(), SOURCE.size()), "L’été « chaud »");
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(TrainingCurvesTest.hasColour(image, 0x08306B), "a weight of 1 is dark blue");
        // 40-pixel cells for short sentences, plus labels and legend around them.
        assertTrue(image.getWidth() > 6 * 40 && image.getWidth() < 6 * 40 + 400, "width " + image.getWidth());
        assertTrue(image.getHeight() > 8 * 40 && image.getHeight() < 8 * 40 + 400, "height " + image.getHeight());
    }

    @Test
    void longSentencesGetSmallerCells() throws IOException {
        List<String> source = IntStream.range(0, 60).mapToObj(i -> "s" + i).toList();
        List<String> output = IntStream.range(0, 50).mapToObj(i -> "o" + i).toList();
        Path png = dir.resolve("long.png");
        AttentionHeatmap.write(png, source, output, diagonal(50, 60), "long");
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() < 60 * 16 + 400, "width " + image.getWidth());
    }

    @Test
    void tokensNoInstalledFontCoversStillGiveAPicture() throws IOException {
        List<String> chinese = List.of("夏天", "很", "热");
        Path png = dir.resolve("zh.png");
        AttentionHeatmap.write(png, chinese, SOURCE.subList(0, 2), diagonal(2, 3), "夏天很热");
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(TrainingCurvesTest.hasColour(image, 0x08306B), "the weights are drawn");
        assertTrue(image.getWidth() > 3 * 40 && image.getHeight() > 2 * 40,
                "size " + image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void weightsMustMatchTokensAndStayInRange() {
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> AttentionHeatmap.write(dir.resolve("a.png"), SOURCE, FRENCH, diagonal(3, SOURCE.size()), "t"));
        assertTrue(rows.getMessage().contains("8 output tokens, 3 rows"), rows.getMessage());
        float[][] weights = diagonal(FRENCH.size(), SOURCE.size());
        weights[2][1] = 1.5f;
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> AttentionHeatmap.write(dir.resolve("a.png"), SOURCE, FRENCH, weights, "t"));
        assertTrue(range.getMessage().contains("[2][1] = 1.5"), range.getMessage());
    }
}
