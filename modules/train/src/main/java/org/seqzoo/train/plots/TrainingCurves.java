package org.seqzoo.train.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training curves as one PNG: a panel per metric name (loss, perplexity, token accuracy, exact match, BLEU ...,
 * in order of first appearance), each with one series per split ({@code train} blue, {@code valid} orange with
 * point markers) against the step. A metric whose positive values span two decades or more (perplexity early
 * in training) gets a logarithmic axis. If a step is logged twice for a split (a resumed run), the later value
 * wins; non-finite values are left out. Drawn with JFreeChart, off screen.
 */
public final class TrainingCurves {

    private static final int PANEL_WIDTH = 520;
    private static final int PANEL_HEIGHT = 330;
    private static final int TITLE_HEIGHT = 44;
    private static final Map<String, Color> SPLIT_COLOURS = Map.of(
            "train", new Color(0x1F77B4), "valid", new Color(0xFF7F0E));
    private static final Color OTHER_SPLIT_COLOUR = new Color(0x2CA02C);

    private TrainingCurves() {
    }

    /**
     * Writes the curves of {@code records} to {@code png} (atomically, creating parent directories).
     *
     * @throws IllegalArgumentException if there are no records or no metric values
     */
    public static void write(Path png, List<MetricRecord> records, String title) throws IOException {
        Map<String, XYSeriesCollection> metrics = seriesByMetric(records);
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("no metric values to plot (" + records.size() + " records)");
        }
        List<String> texts = new ArrayList<>(metrics.keySet());
        texts.add(title);
        StandardChartTheme theme = ChartImages.theme(ChartImages.fontFamilyFor(texts), 13f);
        List<JFreeChart> panels = new ArrayList<>();
        metrics.forEach((name, series) -> panels.add(panel(name, series, theme)));

        int columns = panels.size() == 1 ? 1 : panels.size() <= 4 ? 2 : 3;
        int rows = (panels.size() + columns - 1) / columns;
        int width = columns * PANEL_WIDTH;
        int height = TITLE_HEIGHT + rows * PANEL_HEIGHT;
        ChartImages.writePng(png, width, height, g -> {
            g.setFont(theme.getExtraLargeFont().deriveFont(18f));
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, Math.max(8, (width - fm.stringWidth(title)) / 2), (TITLE_HEIGHT + fm.getAscent()) / 2);
            for (int i = 0; i < panels.size(); i++) {
                Rectangle2D area = new Rectangle2D.Double((i % columns) * PANEL_WIDTH,
                        TITLE_HEIGHT + (i / columns) * PANEL_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
                panels.get(i).draw(g, area);
            }
        });
    }

    /** metric name -> one series per split, in order of first appearance. */
    private static Map<String, XYSeriesCollection> seriesByMetric(List<MetricRecord> records) {
        Map<String, Map<String, XYSeries>> bySplit = new LinkedHashMap<>();
        for (MetricRecord record : records) {
            record.values().forEach((name, value) -> {
                if (Double.isFinite(value)) {
                    bySplit.computeIfAbsent(name, n -> new LinkedHashMap<>())
                            .computeIfAbsent(record.split(), split -> new XYSeries(split, true, false))
                            .addOrUpdate((double) record.step(), value.doubleValue());
                }
            });
        }
        Map<String, XYSeriesCollection> metrics = new LinkedHashMap<>();
        bySplit.forEach((name, splits) -> {
            XYSeriesCollection collection = new XYSeriesCollection();
            splits.values().forEach(collection::addSeries);
            metrics.put(name, collection);
        });
        return metrics;
    }

    private static JFreeChart panel(String metric, XYSeriesCollection series, StandardChartTheme theme) {
        NumberAxis steps = new NumberAxis("step");
        steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        steps.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(series, steps, valueAxis(metric, series), new XYLineAndShapeRenderer(true, true));
        JFreeChart chart = new JFreeChart(metric, plot);
        theme.apply(chart);   // first: the theme resets series paints and shapes
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < series.getSeriesCount(); i++) {
            String split = series.getSeries(i).getKey().toString();
            renderer.setSeriesPaint(i, SPLIT_COLOURS.getOrDefault(split, OTHER_SPLIT_COLOUR));
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
            // Markers for sparse series (validation), plain lines for dense ones (training).
            renderer.setSeriesShapesVisible(i, series.getSeries(i).getItemCount() <= 60);
        }
        plot.setOutlinePaint(new Color(0xBBBBBB));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.TOP);
        legend.setFrame(BlockBorder.NONE);
        chart.getTitle().setFont(theme.getLargeFont().deriveFont(Font.BOLD, 15f));
        return chart;
    }

    private static ValueAxis valueAxis(String metric, XYSeriesCollection series) {
        double min = series.getRangeLowerBound(false);
        double max = series.getRangeUpperBound(false);
        if (min > 0 && max / min >= 100) {
            LogAxis axis = new LogAxis(metric + " (log scale)");
            axis.setSmallestValue(min);
            axis.setTickUnit(new NumberTickUnit(1.0));   // one tick per power of ten, labelled 1, 10, 100 ...
            axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            return axis;
        }
        NumberAxis axis = new NumberAxis(metric);
        axis.setAutoRangeIncludesZero(false);
        Double fullScale = FULL_SCALES.get(metric);
        if (fullScale != null) {
            axis.setRange(0, fullScale * 1.02);   // fractions and BLEU on their whole scale, so progress reads true
        } else {
            axis.setAutoRangeMinimumSize(Math.max(1e-6, Math.abs(max) * 0.1));   // a flat series gets a readable axis
        }
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        return axis;
    }

    /** Metrics with a fixed scale: accuracies are fractions, BLEU is in percent. */
    private static final java.util.Map<String, Double> FULL_SCALES = java.util.Map.of("token_accuracy", 1.0,
            "exact_match", 1.0, "bleu", 100.0);
}
