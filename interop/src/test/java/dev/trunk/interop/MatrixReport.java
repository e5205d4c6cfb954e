package dev.trunk.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes the interop matrix into docs/interop.md: reads every {@code *.tsv} that {@link
 * MatrixResults} wrote (one per peer, whichever peers ran) and replaces the text between the matrix
 * markers with a table (rows: cases; columns: peer, direction and path; cells: pass, FAIL or n/a
 * with a numbered reason), the list of n/a reasons, the failures with their notes, and the totals
 * per peer. When a cell was recorded more than once, the last line counts.
 *
 * <p>Usage: {@code MatrixReport RESULTS_DIR DOC_FILE}. Run by the {@code matrix} Maven profile
 * after the interop tests ({@code ./mvnw -B -Pmatrix -pl interop -am verify}).
 */
public final class MatrixReport {
  static final String BEGIN = "<!-- interop-matrix:begin (written by MatrixReport) -->";
  static final String END = "<!-- interop-matrix:end -->";

  private static final List<String> DIRECTIONS =
      List.of(MatrixResults.PEER_CLIENT, MatrixResults.PEER_SERVER);

  /** One line of a results file. */
  record Cell(
      String testCase, String peer, String direction, String path, String result, String note) {}

  /** One column of the table. */
  record Column(String peer, String direction, String path) {
    /** The table header: "grpc-java client", then the path, on two lines. */
    String header() {
      String who =
          direction.equals(MatrixResults.PEER_CLIENT)
              ? peer + " client"
              : direction.equals(MatrixResults.PEER_SERVER)
                  ? peer + " server"
                  : peer + " " + direction;
      return who + "<br>" + path;
    }

    /** "grpc-java client → Trunk server": whose client calls whose server. */
    String pair() {
      return direction.equals(MatrixResults.PEER_CLIENT)
          ? peer + " client → Trunk server"
          : direction.equals(MatrixResults.PEER_SERVER)
              ? "Trunk client → " + peer + " server"
              : peer + " " + direction;
    }
  }

  private MatrixReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: MatrixReport RESULTS_DIR DOC_FILE");
      System.exit(2);
      return;
    }
    Path results = Path.of(args[0]);
    Path doc = Path.of(args[1]);
    List<Path> files = resultFiles(results);
    if (files.isEmpty()) {
      // Tests skipped (-DskipITs) or none recorded: keep the last table rather than erase it.
      System.out.println("MatrixReport: no results in " + results + "; " + doc + " left as it was");
      return;
    }
    List<String> warnings = new ArrayList<>();
    List<Cell> cells = read(files, warnings);
    for (String warning : warnings) {
      System.err.println("MatrixReport: " + warning);
    }
    String section = render(cells, files.stream().map(f -> f.getFileName().toString()).toList());
    update(doc, section);
    long fails = cells.stream().filter(c -> c.result().equals("fail")).count();
    System.out.println(
        "MatrixReport: "
            + cells.size()
            + " cells from "
            + files.size()
            + " result file(s) in "
            + results
            + " ("
            + fails
            + " failed) written to "
            + doc);
  }

  static List<Path> resultFiles(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tsv")).sorted().toList();
    }
  }

  /** The cells of {@code files}, the last line of each cell winning. */
  static List<Cell> read(List<Path> files, List<String> warnings) throws IOException {
    Map<List<String>, Cell> cells = new LinkedHashMap<>();
    for (Path file : files) {
      int number = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", 6);
        if (fields.length < 5) {
          warnings.add(file.getFileName() + ":" + number + ": not 6 tab-separated fields, skipped");
          continue;
        }
        String result = fields[4].strip();
        if (!result.equals("pass") && !result.equals("fail") && !result.equals("n/a")) {
          warnings.add(file.getFileName() + ":" + number + ": unknown result '" + result + "'");
          continue;
        }
        Cell cell =
            new Cell(
                fields[0].strip(),
                fields[1].strip(),
                fields[2].strip(),
                fields[3].strip(),
                result,
                fields.length > 5 ? fields[5].strip() : "");
        List<String> key = List.of(cell.testCase(), cell.peer(), cell.direction(), cell.path());
        cells.remove(key);
        cells.put(key, cell);
      }
    }
    return List.copyOf(cells.values());
  }

  /** The Markdown that goes between the markers. */
  static String render(List<Cell> cells, List<String> sources) {
    List<Column> columns = columns(cells);
    List<String> cases = cases(cells);
    Map<Column, Map<String, Cell>> byColumn = new LinkedHashMap<>();
    for (Column column : columns) {
      byColumn.put(column, new LinkedHashMap<>());
    }
    for (Cell cell : cells) {
      byColumn
          .get(new Column(cell.peer(), cell.direction(), cell.path()))
          .put(cell.testCase(), cell);
    }

    StringBuilder out = new StringBuilder();
    out.append("Generated by `MatrixReport` from `interop/target/interop-results/` (")
        .append(sources.isEmpty() ? "no result files" : String.join(", ", sources))
        .append("): ")
        .append(cells.size())
        .append(" cells. Each column is one peer, one direction and one path: *peer* client is")
        .append(" the peer's client against Trunk's server, *peer* server is Trunk's client")
        .append(" against the peer's server. `pass`: the client's checks all held; **FAIL**: they")
        .append(" did not (see Failures); `n/a [k]`: not applicable, for reason k below; `—`: not")
        .append(" run.\n\n");
    if (cells.isEmpty()) {
      out.append("No results yet: run `interop/matrix.sh`.\n");
      return out.toString();
    }

    Map<String, Integer> reasons = new LinkedHashMap<>();
    out.append("| case |");
    for (Column column : columns) {
      out.append(' ').append(column.header()).append(" |");
    }
    out.append("\n|---|");
    out.append("---|".repeat(columns.size()));
    out.append('\n');
    for (String testCase : cases) {
      out.append("| `").append(testCase).append("` |");
      for (Column column : columns) {
        Cell cell = byColumn.get(column).get(testCase);
        out.append(' ').append(cell == null ? "—" : mark(cell, reasons)).append(" |");
      }
      out.append('\n');
    }

    if (!reasons.isEmpty()) {
      out.append("\n**Not applicable (n/a) reasons**\n\n");
      for (Map.Entry<String, Integer> reason : reasons.entrySet()) {
        out.append(reason.getValue()).append(". ").append(escape(reason.getKey())).append('\n');
      }
    }

    out.append("\n**Failures**\n\n");
    List<Cell> failures = cells.stream().filter(c -> c.result().equals("fail")).toList();
    if (failures.isEmpty()) {
      out.append("None.\n");
    }
    for (Cell cell : failures) {
      Column column = new Column(cell.peer(), cell.direction(), cell.path());
      out.append("- `")
          .append(cell.testCase())
          .append("`, ")
          .append(column.pair())
          .append(", ")
          .append(column.path())
          .append(": ")
          .append(cell.note().isEmpty() ? "(no note)" : escape(cell.note()))
          .append('\n');
    }

    out.append("\n**Totals**\n\n");
    out.append("| peer | direction | path | pass | fail | n/a | cells |\n");
    out.append("|---|---|---|---:|---:|---:|---:|\n");
    Map<String, int[]> perPeer = new LinkedHashMap<>();
    int[] all = new int[3];
    for (Column column : columns) {
      int[] counts = count(byColumn.get(column).values());
      out.append(row(column.peer(), column.pair(), column.path(), counts));
      int[] peer = perPeer.computeIfAbsent(column.peer(), p -> new int[3]);
      for (int i = 0; i < 3; i++) {
        peer[i] += counts[i];
        all[i] += counts[i];
      }
    }
    for (Map.Entry<String, int[]> peer : perPeer.entrySet()) {
      out.append(row("**" + peer.getKey() + "**", "both", "all", peer.getValue()));
    }
    out.append(row("**all peers**", "", "", all));
    return out.toString();
  }

  private static String row(String peer, String direction, String path, int[] counts) {
    return "| "
        + peer
        + " | "
        + direction
        + " | "
        + path
        + " | "
        + counts[0]
        + " | "
        + counts[1]
        + " | "
        + counts[2]
        + " | "
        + (counts[0] + counts[1] + counts[2])
        + " |\n";
  }

  private static int[] count(Iterable<Cell> cells) {
    int[] counts = new int[3];
    for (Cell cell : cells) {
      switch (cell.result()) {
        case "pass" -> counts[0]++;
        case "fail" -> counts[1]++;
        default -> counts[2]++;
      }
    }
    return counts;
  }

  private static String mark(Cell cell, Map<String, Integer> reasons) {
    return switch (cell.result()) {
      case "pass" -> "pass";
      case "fail" -> "**FAIL**";
      default -> {
        String reason = cell.note().isEmpty() ? "(no reason given)" : cell.note();
        Integer number = reasons.get(reason);
        if (number == null) {
          number = reasons.size() + 1;
          reasons.put(reason, number);
        }
        yield "n/a [" + number + "]";
      }
    };
  }

  /** The columns: grpc-java first, then the other peers by name; directions; paths. */
  static List<Column> columns(List<Cell> cells) {
    Set<String> peers = new TreeSet<>(peerOrder());
    Map<String, Set<String>> paths = new LinkedHashMap<>();
    Set<String> directions = new LinkedHashSet<>(DIRECTIONS);
    for (Cell cell : cells) {
      peers.add(cell.peer());
      directions.add(cell.direction());
      paths.computeIfAbsent(cell.peer(), p -> new TreeSet<>(pathOrder())).add(cell.path());
    }
    Set<String> present = new LinkedHashSet<>();
    for (Cell cell : cells) {
      present.add(cell.peer() + "\t" + cell.direction() + "\t" + cell.path());
    }
    List<Column> columns = new ArrayList<>();
    for (String peer : peers) {
      for (String direction : directions) {
        for (String path : paths.getOrDefault(peer, Set.of())) {
          if (present.contains(peer + "\t" + direction + "\t" + path)) {
            columns.add(new Column(peer, direction, path));
          }
        }
      }
    }
    return columns;
  }

  /** The rows: the matrix cases in their order, then any other case by name. */
  static List<String> cases(List<Cell> cells) {
    List<String> cases = new ArrayList<>(InteropEnv.MATRIX_CASES);
    Set<String> extra = new TreeSet<>();
    for (Cell cell : cells) {
      if (!cases.contains(cell.testCase())) {
        extra.add(cell.testCase());
      }
    }
    cases.addAll(extra);
    return cases;
  }

  private static Comparator<String> peerOrder() {
    return Comparator.comparing((String peer) -> !peer.equals(GrpcJavaClientToTrunkServerIT.PEER))
        .thenComparing(Comparator.naturalOrder());
  }

  private static Comparator<String> pathOrder() {
    List<String> known = InteropEnv.PATHS;
    return Comparator.comparing(
            (String path) -> known.contains(path) ? known.indexOf(path) : known.size())
        .thenComparing(Comparator.naturalOrder());
  }

  /** Keeps a note from breaking the Markdown table or list it lands in. */
  private static String escape(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Replaces the section between the markers of {@code doc}, or appends one. */
  static void update(Path doc, String section) {
    try {
      String text =
          Files.exists(doc)
              ? Files.readString(doc, StandardCharsets.UTF_8)
              : "# Interop matrix\n\n## Matrix\n\n" + BEGIN + "\n" + END + "\n";
      int begin = text.indexOf(BEGIN);
      int end = text.indexOf(END);
      String updated;
      if (begin < 0 || end < begin) {
        updated = text + (text.endsWith("\n") ? "" : "\n") + "\n" + BEGIN + "\n" + section + END;
        updated += "\n";
      } else {
        updated = text.substring(0, begin + BEGIN.length()) + "\n" + section + text.substring(end);
      }
      Path parent = doc.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temporary = Files.createTempFile(parent, ".interop", ".md");
      Files.writeString(temporary, updated, StandardCharsets.UTF_8);
      Files.move(
          temporary, doc, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update " + doc, e);
    }
  }
}
