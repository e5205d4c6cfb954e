package dev.trunk.codegen;

import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The comments of a proto file (its SourceCodeInfo) as Javadoc lines.
 *
 * <p>A declaration's leading comment is used, else its trailing one. Each line loses the space
 * protoc keeps after {@code //} and its trailing blanks; blank lines separate paragraphs, and each
 * paragraph after the first starts with {@code <p>}. The text is escaped so that it can neither end
 * the comment, start a tag nor form a unicode escape: ampersands, angle brackets, at signs and
 * backslashes become HTML character references, and the slash of a comment end becomes {@code
 * &#47;}.
 */
final class Javadoc {
  private static final int FILE_SERVICE = 6;
  private static final int SERVICE_METHOD = 2;

  private final Map<List<Integer>, Location> locations = new HashMap<>();

  /** The comments of one file. */
  Javadoc(SourceCodeInfo info) {
    for (Location location : info.getLocationList()) {
      locations.putIfAbsent(location.getPathList(), location);
    }
  }

  /** The comment of the file's {@code service}-th service (0-based); empty if it has none. */
  List<String> service(int service) {
    return comment(List.of(FILE_SERVICE, service));
  }

  /** The comment of a method of a service; empty if it has none. */
  List<String> method(int service, int method) {
    return comment(List.of(FILE_SERVICE, service, SERVICE_METHOD, method));
  }

  private List<String> comment(List<Integer> path) {
    Location location = locations.get(path);
    if (location == null) {
      return List.of();
    }
    String text =
        location.getLeadingComments().isBlank()
            ? location.getTrailingComments()
            : location.getLeadingComments();
    return paragraphs(text);
  }

  /** {@code doc} followed by a paragraph {@code note}, or {@code note} alone if there is no doc. */
  static List<String> withNote(List<String> doc, String note) {
    if (doc.isEmpty()) {
      return List.of(note);
    }
    List<String> lines = new ArrayList<>(doc);
    lines.add("");
    lines.add("<p>" + note);
    return lines;
  }

  /** Escaped Javadoc lines of a comment's text, paragraphs separated by empty strings. */
  static List<String> paragraphs(String text) {
    List<String> lines = new ArrayList<>();
    boolean paragraphBreak = false;
    for (String raw : text.replace("\r", "").split("\n", -1)) {
      String line = (raw.startsWith(" ") ? raw.substring(1) : raw).stripTrailing();
      if (line.isEmpty()) {
        paragraphBreak = !lines.isEmpty();
      } else {
        if (paragraphBreak) {
          lines.add("");
          line = "<p>" + escape(line);
        } else {
          line = escape(line);
        }
        lines.add(line);
        paragraphBreak = false;
      }
    }
    return lines;
  }

  /** {@code text} made safe to put in a Javadoc comment. */
  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("@", "&#64;")
        .replace("\\", "&#92;")
        .replace("*/", "*&#47;");
  }
}
