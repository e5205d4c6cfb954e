package dev.trunk.examples.routeguide;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The features the route guide knows: a fixed grid of named places, made up for the example. */
public final class FeatureDatabase {
  /** Distance between neighbouring features, in E7 degrees (0.01 degrees). */
  static final int SPACING_E7 = 100_000;

  /** Features along each side of the grid. */
  static final int GRID_SIDE = 10;

  /** South-west corner of the grid, in E7 degrees. */
  static final int ORIGIN_LATITUDE_E7 = 474_000_000;

  static final int ORIGIN_LONGITUDE_E7 = 85_000_000;

  private final List<Feature> features;

  private FeatureDatabase(List<Feature> features) {
    this.features = List.copyOf(features);
  }

  /** The example grid: {@code GRID_SIDE}² features named "Waypoint r-c". */
  public static FeatureDatabase grid() {
    List<Feature> features = new ArrayList<>();
    for (int row = 0; row < GRID_SIDE; row++) {
      for (int column = 0; column < GRID_SIDE; column++) {
        features.add(
            Feature.newBuilder()
                .setName("Waypoint " + row + "-" + column)
                .setLocation(pointAt(row, column))
                .build());
      }
    }
    return new FeatureDatabase(features);
  }

  /** The grid point in {@code row} and {@code column}. */
  public static Point pointAt(int row, int column) {
    return Point.newBuilder()
        .setLatitude(ORIGIN_LATITUDE_E7 + row * SPACING_E7)
        .setLongitude(ORIGIN_LONGITUDE_E7 + column * SPACING_E7)
        .build();
  }

  /** The feature exactly at {@code point}. */
  public Optional<Feature> at(Point point) {
    return features.stream().filter(f -> f.getLocation().equals(point)).findFirst();
  }

  /** The features inside {@code area}, edges included. */
  public List<Feature> in(Rectangle area) {
    int south = Math.min(area.getLo().getLatitude(), area.getHi().getLatitude());
    int north = Math.max(area.getLo().getLatitude(), area.getHi().getLatitude());
    int west = Math.min(area.getLo().getLongitude(), area.getHi().getLongitude());
    int east = Math.max(area.getLo().getLongitude(), area.getHi().getLongitude());
    return features.stream()
        .filter(
            f -> {
              Point p = f.getLocation();
              return p.getLatitude() >= south
                  && p.getLatitude() <= north
                  && p.getLongitude() >= west
                  && p.getLongitude() <= east;
            })
        .toList();
  }
}
