package dev.trunk.maven;

import dev.trunk.cli.CliException;
import dev.trunk.cli.breaking.Breaking;
import dev.trunk.cli.breaking.Category;
import dev.trunk.cli.breaking.Image;
import dev.trunk.cli.breaking.Inputs;
import dev.trunk.cli.breaking.Violation;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code trunk:breaking}: checks the project's {@code .proto} files against a baseline (a
 * descriptor set from the last release, or {@code git:REF}) with buf's breaking rules, and fails
 * the build listing every violation. Runs in {@code verify} by default: the schema gate for CI.
 */
@Mojo(name = "breaking", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public final class BreakingMojo extends AbstractMojo {
  /** The baseline: a descriptor set file, a directory of .proto files, or git:REF. */
  @Parameter(property = "trunk.breaking.against", required = true)
  String against;

  /** The project's .proto files. */
  @Parameter(
      property = "trunk.breaking.protoDirectory",
      defaultValue = "${project.basedir}/src/main/proto")
  File protoDirectory;

  /** FILE (buf's default), PACKAGE, WIRE_JSON or WIRE. */
  @Parameter(property = "trunk.breaking.category", defaultValue = "FILE")
  String category;

  /** Skips the check. */
  @Parameter(property = "trunk.breaking.skip", defaultValue = "false")
  boolean skip;

  /** Where a relative baseline path is resolved. */
  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Breaking-change check skipped");
      return;
    }
    List<Violation> violations = check(category());
    if (violations.isEmpty()) {
      getLog().info("No breaking change against " + against);
      return;
    }
    violations.forEach(v -> getLog().error(v.toString()));
    throw new MojoFailureException(
        violations.size() + " breaking change(s) against " + against + ", listed above");
  }

  private List<Violation> check(Category rules) throws MojoExecutionException {
    Path current = protoDirectory.toPath();
    try {
      Image baseline = Inputs.load(baseline(), current, List.of());
      Image now = Inputs.load(current, List.of());
      return Breaking.check(baseline, now, rules);
    } catch (CliException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
  }

  /** {@code against}, a relative path resolved in the project's directory. */
  private String baseline() {
    if (against.startsWith(Inputs.GIT_PREFIX) || Path.of(against).isAbsolute()) {
      return against;
    }
    return basedir.toPath().resolve(against).toString();
  }

  private Category category() throws MojoExecutionException {
    try {
      return Category.valueOf(category.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException(
          "category " + category + " is none of FILE, PACKAGE, WIRE_JSON, WIRE", e);
    }
  }
}
