package io.tfjmnist.serving;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a TF Serving REST URL names: {@code /v1/models/NAME[/versions/N | /labels/LABEL]}, then
 * {@code :predict} (or {@code :classify}, {@code :regress}), {@code /metadata}, or nothing (the
 * status). Matched case-insensitively, as TF Serving's server does.
 *
 * @param version the version the URL names, or null
 * @param label the label the URL names, or null
 * @param verb {@code predict}, {@code classify} or {@code regress} for a predict URL; null otherwise
 */
record ModelUrl(String model, Long version, String label, String verb) {
  private static final String MODEL = "/v1/models/([^/:]+)(?:/versions/(\\d+)|/labels/([^/:]+))?";
  private static final Pattern PREDICT = Pattern.compile("(?i)" + MODEL + ":(predict|classify|regress)");
  private static final Pattern METADATA = Pattern.compile("(?i)" + MODEL + "/metadata");
  private static final Pattern STATUS = Pattern.compile("(?i)" + MODEL + "/?");

  /** A {@code :predict}-like URL; null when {@code path} is not one. */
  static ModelUrl predict(String path) {
    return parse(PREDICT, path);
  }

  /** A {@code /metadata} URL; null when {@code path} is not one. */
  static ModelUrl metadata(String path) {
    return parse(METADATA, path);
  }

  /** A model (status) URL; null when {@code path} is not one. */
  static ModelUrl status(String path) {
    return parse(STATUS, path);
  }

  /** A reference to the version the URL names (its number, its label, or the latest); 404 when it is not served. */
  ModelVersions.Lease acquire(ModelVersions versions) {
    return versions.acquire(model, version, label);
  }

  private static ModelUrl parse(Pattern pattern, String path) {
    Matcher m = pattern.matcher(path);
    if (!m.matches()) {
      return null;
    }
    Long version = null;
    if (m.group(2) != null) {
      try {
        version = Long.parseLong(m.group(2));
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Failed to convert version: " + ApiException.quote(m.group(2)) + " to numeric.");
      }
    }
    String verb = m.groupCount() >= 4 ? m.group(4).toLowerCase(Locale.ROOT) : null;
    return new ModelUrl(m.group(1), version, m.group(3), verb);
  }
}
