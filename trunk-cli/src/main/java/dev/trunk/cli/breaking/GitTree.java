package dev.trunk.cli.breaking;

import dev.trunk.cli.CliException;
import dev.trunk.cli.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A path of a git repository as it was at a revision, extracted with git archive and tar. */
final class GitTree {
  private GitTree() {}

  /** Extracts {@code path} (inside a git work tree) as it was at {@code ref} under {@code work}. */
  static Path extract(Path path, String ref, Path work) {
    Path absolute = path.toAbsolutePath().normalize();
    Path start = Files.isDirectory(absolute) ? absolute : absolute.getParent();
    if (start == null || !Files.isDirectory(start)) {
      throw new CliException(ExitCode.USAGE, path + " does not exist");
    }
    String top =
        Inputs.run(
                List.of("git", "rev-parse", "--show-toplevel"),
                start,
                path + " is not inside a git repository")
            .strip();
    Path root = Path.of(top);
    Path relative = root.relativize(real(absolute));
    Path archive = work.resolve("tree.tar");
    List<String> command = new ArrayList<>(List.of("git", "archive", "--format=tar"));
    command.add("--output=" + archive);
    command.add(ref);
    if (!relative.toString().isEmpty()) {
      command.add("--");
      command.add(relative.toString());
    }
    Inputs.run(command, root, "cannot read " + relative + " at git revision " + ref);
    Path tree = work.resolve("tree");
    try {
      Files.createDirectories(tree);
    } catch (java.io.IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot create " + tree + ": " + e, e);
    }
    Inputs.run(
        List.of("tar", "-xf", archive.toString(), "-C", tree.toString()),
        work,
        "cannot unpack the git archive");
    return tree.resolve(relative.toString());
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (java.io.IOException e) {
      return path;
    }
  }
}
