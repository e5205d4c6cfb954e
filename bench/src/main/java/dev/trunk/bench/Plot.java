package dev.trunk.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;

/** A small line-chart plotter on Java2D, writing PNG files (headless). */
final class Plot {
  /** One line: a name for the legend and its (x, y) points. */
  record Series(String name, List<double[]> points, boolean dashed) {}

  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;
  private static final int LEFT = 90;
  private static final int RIGHT = 240;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
  };

  private Plot() {}

  /** A chart whose x axis is a list of categories (the points' x are indexes into it). */
  static void categories(
      String title, List<String> categories, String yLabel, List<Series> series, Path file)
      throws IOException {
    draw(title, null, yLabel, series, categories, false, true, file);
  }

  /** A chart with numeric axes, each linear or logarithmic. */
  static void numeric(
      String title,
      String xLabel,
      String yLabel,
      List<Series> series,
      boolean logX,
      boolean logY,
      Path file)
      throws IOException {
    draw(title, xLabel, yLabel, series, null, logX, logY, file);
  }

  private static void draw(
      String title,
      @Nullable String xLabel,
      String yLabel,
      List<Series> series,
      @Nullable List<String> categories,
      boolean logX,
      boolean logY,
      Path file)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);

      double minX = Double.POSITIVE_INFINITY;
      double maxX = Double.NEGATIVE_INFINITY;
      double minY = Double.POSITIVE_INFINITY;
      double maxY = Double.NEGATIVE_INFINITY;
      for (Series s : series) {
        for (double[] p : s.points()) {
          if (!valid(p, logX, logY)) {
            continue;
          }
          minX = Math.min(minX, p[0]);
          maxX = Math.max(maxX, p[0]);
          minY = Math.min(minY, p[1]);
          maxY = Math.max(maxY, p[1]);
        }
      }
      if (minX > maxX) {
        return;
      }
      if (categories != null) {
        minX = -0.3;
        maxX = categories.size() - 0.7;
      }
      Axis x = new Axis(minX, maxX, logX, LEFT, WIDTH - RIGHT, false);
      Axis y = new Axis(logY ? minY : 0, maxY, logY, HEIGHT - BOTTOM, TOP, true);

      // Grid and ticks.
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics metrics = g.getFontMetrics();
      for (double tick : y.ticks()) {
        int py = y.pixel(tick);
        g.setColor(new Color(0xe6e6e6));
        g.drawLine(LEFT, py, WIDTH - RIGHT, py);
        g.setColor(Color.DARK_GRAY);
        String label = tickLabel(tick);
        g.drawString(label, LEFT - 8 - metrics.stringWidth(label), py + 4);
      }
      if (categories != null) {
        for (int i = 0; i < categories.size(); i++) {
          int px = x.pixel(i);
          g.setColor(new Color(0xe6e6e6));
          g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
          g.setColor(Color.DARK_GRAY);
          String label = categories.get(i);
          g.drawString(label, px - metrics.stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
      } else {
        for (double tick : x.ticks()) {
          int px = x.pixel(tick);
          g.setColor(new Color(0xe6e6e6));
          g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
          g.setColor(Color.DARK_GRAY);
          String label = tickLabel(tick);
          g.drawString(label, px - metrics.stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
        }
      }
      g.setColor(Color.BLACK);
      g.drawRect(LEFT, TOP, WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP);

      // Titles.
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, LEFT, TOP - 20);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      if (xLabel != null) {
        g.drawString(xLabel, LEFT + (WIDTH - RIGHT - LEFT) / 2 - 120, HEIGHT - 25);
      }
      Graphics2D rotated = (Graphics2D) g.create();
      rotated.rotate(-Math.PI / 2);
      rotated.drawString(yLabel, -(TOP + (HEIGHT - TOP - BOTTOM) / 2) - 60, 20);
      rotated.dispose();

      // Lines, points and legend.
      int legendY = TOP + 10;
      for (int i = 0; i < series.size(); i++) {
        Series s = series.get(i);
        Color color = COLORS[colorIndex(series, i) % COLORS.length];
        Stroke stroke =
            s.dashed()
                ? new BasicStroke(
                    2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f)
                : new BasicStroke(2f);
        g.setColor(color);
        g.setStroke(stroke);
        List<double[]> points = new ArrayList<>(s.points());
        points.removeIf(p -> !valid(p, logX, logY));
        points.sort(Comparator.comparingDouble(p -> p[0]));
        for (int k = 1; k < points.size(); k++) {
          g.drawLine(
              x.pixel(points.get(k - 1)[0]),
              y.pixel(points.get(k - 1)[1]),
              x.pixel(points.get(k)[0]),
              y.pixel(points.get(k)[1]));
        }
        g.setStroke(new BasicStroke(1f));
        for (double[] p : points) {
          g.fillOval(x.pixel(p[0]) - 3, y.pixel(p[1]) - 3, 7, 7);
        }
        g.setStroke(stroke);
        g.drawLine(WIDTH - RIGHT + 15, legendY, WIDTH - RIGHT + 45, legendY);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(s.name(), WIDTH - RIGHT + 52, legendY + 4);
        legendY += 20;
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", file.toFile());
  }

  /** Series that differ only in dashing (same server) share a color. */
  private static int colorIndex(List<Series> series, int index) {
    String base = series.get(index).name().replaceAll(" \\(.*\\)$", "");
    List<String> bases = new ArrayList<>();
    for (Series s : series) {
      String b = s.name().replaceAll(" \\(.*\\)$", "");
      if (!bases.contains(b)) {
        bases.add(b);
      }
    }
    return bases.indexOf(base);
  }

  private static boolean valid(double[] p, boolean logX, boolean logY) {
    return !Double.isNaN(p[0]) && !Double.isNaN(p[1]) && (!logX || p[0] > 0) && (!logY || p[1] > 0);
  }

  private static String tickLabel(double value) {
    if (value >= 1_000_000) {
      return ResultRow.format(value / 1_000_000) + "M";
    }
    if (value >= 10_000) {
      return ResultRow.format(value / 1000) + "k";
    }
    return value >= 10 ? String.valueOf((long) value) : ResultRow.format(value);
  }

  /** Maps data values to pixels on one axis. */
  private record Axis(double min, double max, boolean log, int from, int to, boolean vertical) {
    Axis {
      if (log) {
        min = Math.pow(10, Math.floor(Math.log10(min)));
        max = Math.pow(10, Math.ceil(Math.log10(max)));
      } else if (vertical) {
        max = niceCeiling(max * 1.05);
      }
      if (max <= min) {
        max = min + 1;
      }
    }

    int pixel(double value) {
      double t =
          log
              ? (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
              : (value - min) / (max - min);
      return (int) Math.round(from + t * (to - from));
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      if (log) {
        for (double v = min; v <= max * 1.0001; v *= 10) {
          ticks.add(v);
          if (max / min <= 100) {
            ticks.add(v * 2);
            ticks.add(v * 5);
          }
        }
        ticks.removeIf(v -> v > max * 1.0001);
      } else {
        double step = niceCeiling((max - min) / 6);
        for (double v = Math.ceil(min / step) * step; v <= max + step / 1000; v += step) {
          ticks.add(v);
        }
      }
      return ticks;
    }

    private static double niceCeiling(double value) {
      if (value <= 0) {
        return 1;
      }
      double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
      for (double m : new double[] {1, 2, 2.5, 5, 10}) {
        if (m * magnitude >= value) {
          return m * magnitude;
        }
      }
      return 10 * magnitude;
    }
  }
}
