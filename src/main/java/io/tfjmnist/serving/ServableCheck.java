package io.tfjmnist.serving;

/**
 * Whether a request names the served model (and, if given, its version or label), with TF
 * Serving's answers when it does not: the same checks and words for the REST paths
 * ({@code /v1/models/NAME/versions/N}) and gRPC's {@code ModelSpec}.
 */
final class ServableCheck {
  private ServableCheck() {}

  /**
   * Throws a 404 {@link ApiException} unless {@code name} is the served model's and {@code version}
   * (null: any) its version; a {@code label} is not configured, so it is refused.
   *
   * @param servableWording TF Serving's words for predict and metadata ("Servable not found ...")
   *     rather than for the status call ("Could not find ...")
   */
  static void check(ServedModel model, String name, Long version, String label, boolean servableWording) {
    String quoted = ApiException.quote(name);
    if (!name.equals(model.name())) {
      throw ApiException.notFound(servableWording
          ? "Servable not found for request: " + (version == null ? "Latest(" + quoted + ")" : "Specific(" + quoted + ", " + version + ")")
          : "Could not find any versions of model " + quoted);
    }
    if (label != null) {
      throw ApiException.notFound("Unrecognized servable version label: " + ApiException.quote(label));
    }
    if (version != null && version != model.version()) {
      throw ApiException.notFound(servableWording ? "Servable not found for request: Specific(" + quoted + ", " + version + ")"
          : "Could not find version " + version + " of model " + quoted);
    }
  }

  /** A signature name other than the served one's (empty or null: the served one) is refused, as REST refuses it. */
  static void checkSignature(ServedModel model, String signatureName) {
    if (signatureName != null && !signatureName.isEmpty() && !signatureName.equals(model.signature().key())) {
      throw ApiException.badRequest("Serving signature name: \"" + ApiException.quote(signatureName)
          + "\" not found in signature def");
    }
  }

  /** TF Serving's answer when a signature is called with another method than its own. */
  static ApiException wrongMethod(ServedModel model, String verb) {
    return ApiException.badRequest("Expected " + (verb.equals("classify") ? "classification" : "regression")
        + " signature method_name to be tensorflow/serving/" + verb + ". Was: " + model.signature().methodName());
  }
}
