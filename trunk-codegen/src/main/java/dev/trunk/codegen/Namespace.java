package dev.trunk.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names already taken in one Java scope (the methods of a service's generated types, the
 * classes of a package, ...), each with why it is taken, and the one rule that gives out free
 * names: while a name is empty, a Java keyword or literal, or taken, a {@code _} is appended.
 */
final class Namespace {
  private final Map<String, String> taken = new HashMap<>();

  /**
   * Takes {@code name}; {@code why} completes the sentence "{@code name} ..." in a warning, as in
   * {@code is a method of java.lang.Object}. A name keeps the first reason it was taken for.
   */
  Namespace take(String name, String why) {
    taken.putIfAbsent(name, why);
    return this;
  }

  /** A namespace that starts with the names this one has taken and then goes its own way. */
  Namespace copy() {
    Namespace copy = new Namespace();
    copy.taken.putAll(taken);
    return copy;
  }

  /** The free name for {@code wanted}, without taking it. */
  Choice choose(String wanted) {
    List<String> reasons = new ArrayList<>();
    String name = wanted;
    for (String why = why(name); why != null; why = why(name)) {
      reasons.add(why);
      name += "_";
    }
    return new Choice(wanted, name, List.copyOf(reasons));
  }

  /** The free name for {@code wanted}, taken for the reason {@code why} (see {@link #take}). */
  Choice claim(String wanted, String why) {
    Choice choice = choose(wanted);
    take(choice.name(), why);
    return choice;
  }

  /** Why {@code name} cannot be given out, as a whole clause; null if it is free. */
  private String why(String name) {
    if (name.isEmpty()) {
      return "the empty name is not a Java identifier";
    }
    if (Identifiers.KEYWORDS.contains(name)) {
      return name
          + (Identifiers.LITERALS.contains(name) ? " is a Java literal" : " is a Java keyword");
    }
    String why = taken.get(name);
    return why == null ? null : name + " " + why;
  }

  /**
   * A name given out.
   *
   * @param wanted the name it would have had
   * @param name the name it got: {@code wanted} with as many {@code _} appended as needed
   * @param reasons why each shorter candidate was not free, in order; empty if {@code name} is
   *     {@code wanted}
   */
  record Choice(String wanted, String name, List<String> reasons) {
    /** Whether the name had to change. */
    boolean renamed() {
      return !reasons.isEmpty();
    }

    /** {@code named NAME instead of WANTED}, for a warning. */
    String renaming() {
      return "named " + name + " instead of " + wanted;
    }

    /** {@code because REASON and REASON}, for a warning. */
    String because() {
      return "because " + String.join(" and ", reasons);
    }
  }
}
