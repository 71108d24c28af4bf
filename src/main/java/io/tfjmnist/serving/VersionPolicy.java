package io.tfjmnist.serving;

import io.tfjmnist.TfjMnistException;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which of a base path's version folders are served: TF Serving's {@code model_version_policy}.
 * {@code latest} serves the highest-numbered version ({@code latest:N} the N highest), {@code all}
 * every version, {@code specific:1,3} the versions listed that exist.
 *
 * @param kind the policy
 * @param count for {@code latest}: how many of the highest versions
 * @param versions for {@code specific}: the versions named
 */
public record VersionPolicy(Kind kind, int count, SortedSet<Long> versions) {
  /** TF Serving's three policies. */
  public enum Kind { LATEST, ALL, SPECIFIC }

  public static final VersionPolicy LATEST = new VersionPolicy(Kind.LATEST, 1, new TreeSet<>());

  public VersionPolicy {
    versions = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(versions));
    if (kind == Kind.LATEST && count < 1) {
      throw new TfjMnistException("latest:N needs N of 1 or more, got " + count + ".");
    }
    if (kind == Kind.SPECIFIC && versions.isEmpty()) {
      throw new TfjMnistException("specific needs at least one version, as in specific:1,3.");
    }
  }

  /** Parses {@code latest}, {@code latest:N}, {@code all} or {@code specific:1,3}; a clear sentence otherwise. */
  public static VersionPolicy parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    String usage = "; the model version policy is latest, latest:N, all or specific:V1,V2,... (TF Serving's).";
    try {
      if (t.equals("latest") || t.equals("all")) {
        return t.equals("all") ? new VersionPolicy(Kind.ALL, 1, new TreeSet<>()) : LATEST;
      }
      if (t.startsWith("latest:")) {
        return new VersionPolicy(Kind.LATEST, Integer.parseInt(t.substring(7).trim()), new TreeSet<>());
      }
      if (t.startsWith("specific:")) {
        TreeSet<Long> v = new TreeSet<>();
        for (String part : t.substring(9).split(",", -1)) {
          long n = Long.parseLong(part.trim());
          if (n < 0) {
            throw new NumberFormatException();
          }
          v.add(n);
        }
        return new VersionPolicy(Kind.SPECIFIC, 1, v);
      }
    } catch (NumberFormatException e) {
      throw new TfjMnistException("'" + ApiException.quote(text) + "' holds something other than whole numbers" + usage, e);
    }
    throw new TfjMnistException("Unknown model version policy '" + ApiException.quote(text) + "'" + usage);
  }

  /** The versions to serve among {@code present} (the folders that may be loaded), as TF Serving chooses them. */
  public SortedSet<Long> choose(SortedSet<Long> present) {
    return switch (kind) {
      case ALL -> new TreeSet<>(present);
      case SPECIFIC -> {
        TreeSet<Long> chosen = new TreeSet<>(present);
        chosen.retainAll(versions);
        yield chosen;
      }
      case LATEST -> {
        TreeSet<Long> chosen = new TreeSet<>();
        for (Long v : new TreeSet<>(present).descendingSet()) {
          if (chosen.size() == count) {
            break;
          }
          chosen.add(v);
        }
        yield chosen;
      }
    };
  }

  /** As the command line spells it. */
  public String describe() {
    return switch (kind) {
      case ALL -> "all";
      case LATEST -> count == 1 ? "latest" : "latest:" + count;
      case SPECIFIC -> "specific:" + String.join(",", versions.stream().map(String::valueOf).toList());
    };
  }
}
