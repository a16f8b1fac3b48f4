package org.seqzoo.train.plots;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * An attention heat map as a PNG: source tokens along the top (labels turned vertical), output tokens down the
 * left side in generation order, and cell {@code [out][src]} shaded by its weight from white (0) to dark blue (1),
 * with a colour legend. Cells shrink for long sentences; the font is one that can draw every token (any script
 * an installed font covers). Drawn with JFreeChart, off screen.
 */
public final class AttentionHeatmap {

    private static final Color[] BLUES = {new Color(0xF7FBFF), new Color(0xC6DBEF), new Color(0x6BAED6),
            new Color(0x2171B5), new Color(0x08306B)};

    private AttentionHeatmap() {
    }

    /**
     * Writes the heat map of {@code weights[out][src]} (each in [0, 1]) to {@code png} (atomically, creating
     * parent directories).
     *
     * @throws IllegalArgumentException if the weights do not match the token counts or leave [0, 1]
     */
    public static void write(Path png, List<String> sourceTokens, List<String> outputTokens, float[][] weights,
                             String title) throws IOException {
        check(sourceTokens, outputTokens, weights);
        int longest = Math.max(sourceTokens.size(), outputTokens.size());
        int cell = Math.max(16, Math.min(40, 720 / longest));
        float tickSize = Math.max(11f, Math.min(15f, cell * 0.45f));

        List<String> texts = new ArrayList<>(sourceTokens);
        texts.addAll(outputTokens);
        texts.add(title);
        StandardChartTheme theme = ChartImages.theme(ChartImages.fontFamilyFor(texts), 13f);
        Font tickFont = theme.getRegularFont().deriveFont(tickSize);

        SymbolAxis source = tokenAxis("source", sourceTokens, tickFont);
        source.setVerticalTickLabels(true);
        SymbolAxis output = tokenAxis("output", outputTokens, tickFont);
        output.setInverted(true);   // first output token at the top

        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(new Blues());
        XYPlot plot = new XYPlot(dataset(weights), source, output, renderer);
        plot.setDomainAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlinePaint(Color.GRAY);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        JFreeChart chart = new JFreeChart(title, plot);
        chart.removeLegend();
        theme.apply(chart);
        chart.setPadding(new RectangleInsets(8, 8, 12, 8));
        source.setTickLabelFont(tickFont);
        output.setTickLabelFont(tickFont);
        chart.addSubtitle(legend(theme));

        // Lay out once at a guessed size, then grow or shrink the image so each cell is cell × cell pixels.
        int guessWidth = 400 + sourceTokens.size() * cell;
        int guessHeight = 400 + outputTokens.size() * cell;
        ChartRenderingInfo layout = new ChartRenderingInfo();
        BufferedImage scratch = new BufferedImage(guessWidth, guessHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = scratch.createGraphics();
        chart.draw(g2, new Rectangle2D.Double(0, 0, guessWidth, guessHeight), layout);
        g2.dispose();
        Rectangle2D dataArea = layout.getPlotInfo().getDataArea();
        int width = (int) Math.round(guessWidth - dataArea.getWidth() + sourceTokens.size() * cell);
        int height = (int) Math.round(guessHeight - dataArea.getHeight() + outputTokens.size() * cell);
        ChartImages.writePng(png, width, height, g -> chart.draw(g, new Rectangle2D.Double(0, 0, width, height)));
    }

    private static void check(List<String> sourceTokens, List<String> outputTokens, float[][] weights) {
        if (sourceTokens.isEmpty() || outputTokens.isEmpty()) {
            throw new IllegalArgumentException("an attention map needs source and output tokens; got "
                    + sourceTokens.size() + " source and " + outputTokens.size() + " output tokens");
        }
        if (weights.length != outputTokens.size()) {
            throw new IllegalArgumentException("weights need one row per output token: " + outputTokens.size()
                    + " output tokens, " + weights.length + " rows");
        }
        for (int out = 0; out < weights.length; out++) {
            if (weights[out].length != sourceTokens.size()) {
                throw new IllegalArgumentException("weights row " + out + " has " + weights[out].length
                        + " columns for " + sourceTokens.size() + " source tokens");
            }
            for (int src = 0; src < weights[out].length; src++) {
                float w = weights[out][src];
                if (!(w >= -1e-6f && w <= 1 + 1e-6f)) {
                    throw new IllegalArgumentException("attention weight [" + out + "][" + src + "] = " + w
                            + " is outside [0, 1]");
                }
            }
        }
    }

    private static SymbolAxis tokenAxis(String label, List<String> tokens, Font tickFont) {
        SymbolAxis axis = new SymbolAxis(label, tokens.toArray(String[]::new));
        axis.setGridBandsVisible(false);
        axis.setRange(-0.5, tokens.size() - 0.5);
        axis.setTickLabelFont(tickFont);
        axis.setAxisLineVisible(false);
        axis.setTickMarksVisible(false);
        return axis;
    }

    /** x = source position, y = output position, z = weight. */
    private static DefaultXYZDataset dataset(float[][] weights) {
        int cells = weights.length * weights[0].length;
        double[][] series = new double[3][cells];
        int i = 0;
        for (int out = 0; out < weights.length; out++) {
            for (int src = 0; src < weights[out].length; src++) {
                series[0][i] = src;
                series[1][i] = out;
                series[2][i] = weights[out][src];
                i++;
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries("attention", series);
        return dataset;
    }

    private static PaintScaleLegend legend(StandardChartTheme theme) {
        NumberAxis scaleAxis = new NumberAxis("weight");
        scaleAxis.setRange(0, 1);
        scaleAxis.setTickUnit(new NumberTickUnit(0.2));
        scaleAxis.setTickLabelFont(theme.getRegularFont());
        scaleAxis.setLabelFont(theme.getRegularFont());
        PaintScaleLegend legend = new PaintScaleLegend(new Blues(), scaleAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(16);
        legend.setSubdivisionCount(100);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(40, 12, 40, 8));
        legend.setStripOutlineVisible(true);
        return legend;
    }

    /** 0 → near white, 1 → dark blue, through the light-to-dark steps of ColorBrewer's "Blues". */
    private static final class Blues implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double position = Math.min(1, Math.max(0, value)) * (BLUES.length - 1);
            int low = Math.min((int) position, BLUES.length - 2);
            double t = position - low;
            Color a = BLUES[low];
            Color b = BLUES[low + 1];
            return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
        }
    }
}
