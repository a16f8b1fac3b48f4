package org.seqzoo.train.plots;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.jfree.chart.StandardChartTheme;
import org.seqzoo.train.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the PNG plots share: headless AWT, a font that can draw every label, a JFreeChart theme built on it,
 * and writing the image atomically.
 */
final class ChartImages {

    private static final Logger LOG = LoggerFactory.getLogger(ChartImages.class);

    static {
        // Plots are drawn off screen; without this, AWT on a machine with a display variable but no display fails.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ChartImages() {
    }

    /**
     * The name of a font family that can draw every text: the logical {@code SansSerif} font if it can (it
     * already falls back across the system's fonts), else the first installed family that can; a warning and
     * {@code SansSerif} if none can.
     */
    static String fontFamilyFor(Collection<String> texts) {
        Stream<String> candidates = Stream.concat(Stream.of(Font.SANS_SERIF),
                Stream.of(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames()));
        return candidates.filter(family -> displaysAll(new Font(family, Font.PLAIN, 12), texts)).findFirst()
                .orElseGet(() -> {
                    Font fallback = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
                    LOG.warn("no installed font can draw every label; characters of {} will show as boxes",
                            texts.stream().filter(text -> fallback.canDisplayUpTo(text) != -1).toList());
                    return Font.SANS_SERIF;
                });
    }

    private static boolean displaysAll(Font font, Collection<String> texts) {
        return texts.stream().allMatch(text -> font.canDisplayUpTo(text) == -1);
    }

    /** A JFreeChart theme with white backgrounds, light grid lines and fonts of the given family. */
    static StandardChartTheme theme(String fontFamily, float baseSize) {
        StandardChartTheme theme = new StandardChartTheme("seqzoo");
        theme.setExtraLargeFont(new Font(fontFamily, Font.BOLD, Math.round(baseSize * 1.3f)));
        theme.setLargeFont(new Font(fontFamily, Font.BOLD, Math.round(baseSize * 1.1f)));
        theme.setRegularFont(new Font(fontFamily, Font.PLAIN, Math.round(baseSize)));
        theme.setSmallFont(new Font(fontFamily, Font.PLAIN, Math.round(baseSize * 0.9f)));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new java.awt.Color(0xDDDDDD));
        theme.setRangeGridlinePaint(new java.awt.Color(0xDDDDDD));
        return theme;
    }

    /** Draws a {@code width × height} white image with {@code painter} and writes it to {@code png} atomically. */
    static void writePng(Path png, int width, int height, Consumer<Graphics2D> painter) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            painter.accept(g);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }
}
