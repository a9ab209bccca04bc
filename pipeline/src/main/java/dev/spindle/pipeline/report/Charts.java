package dev.spindle.pipeline.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts for the run report, drawn with XChart (headless AWT, no display needed). */
final class Charts {
  private static final int WIDTH = 760;
  private static final int HEIGHT = 380;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Grouped bars: one group per category, one bar per series. */
  static Chart<?, ?> bars(String title, String yAxis, List<String> categories, Map<String, List<Double>> series) {
    CategoryChart chart =
        new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yAxis).build();
    style(chart.getStyler());
    chart.getStyler().setXAxisLabelRotation(categories.size() > 8 ? 45 : 0);
    series.forEach((name, values) -> chart.addSeries(name, categories, values));
    return chart;
  }

  /** Lines over a numeric x axis. */
  static Chart<?, ?> lines(String title, String xAxis, String yAxis, Map<String, double[][]> series, boolean markers) {
    XYChart chart =
        new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xAxis).yAxisTitle(yAxis).build();
    style(chart.getStyler());
    series.forEach(
        (name, xy) -> {
          XYSeries s = chart.addSeries(name, xy[0], xy[1]);
          s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
          if (markers) {
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
          }
        });
    return chart;
  }

  /**
   * Writes the chart as a PNG, or says why it could not be drawn: a headless Java without its font libraries (a
   * minimal server or container image: no libfreetype/libharfbuzz/fontconfig) cannot lay out text, and the report
   * is still worth writing without its pictures.
   */
  static Optional<String> png(Chart<?, ?> chart, Path file) {
    return drawn(() -> {
      try {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write chart " + file, e);
      }
    });
  }

  /** Runs a drawing; empty when it drew, else why Java's graphics could not (font and native-library failures). */
  static Optional<String> drawn(Runnable drawing) {
    try {
      drawing.run();
      return Optional.empty();
    } catch (LinkageError | java.awt.AWTError e) {
      return Optional.of("this Java cannot draw text (" + e + "); install the fonts and font libraries"
          + " (Debian: fontconfig, libfreetype6, libharfbuzz0b) to get the charts");
    }
  }

  private static void style(Styler styler) {
    styler.setChartBackgroundColor(java.awt.Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setAntiAlias(true);
  }
}
