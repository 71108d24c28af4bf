package io.tfjmnist.serving;

/**
 * Whether a request names the served model (and, if given, its version or label), with TF
 * Serving's answers when it does not: the same checks and words for the REST paths
 * ({@code /v1/models/NAME/versions/N}) and gRPC's {@code ModelSpec}.
 */
final class ServableCheck {
  private ServableCheck() {}

  /**
   * Throws a 404 {@link ApiException} unless {@code name} is the served model's, {@code served}.
   *
   * @param version the version asked for (null: any), for TF Serving's words
   * @param servableWording TF Serving's words for predict and metadata ("Servable not found ...")
   *     rather than for the status call ("Could not find ...")
   */
  static void checkName(String served, String name, Long version, boolean servableWording) {
    if (!name.equals(served)) {
      String quoted = ApiException.quote(name);
      throw ApiException.notFound(servableWording
          ? "Servable not found for request: " + (version == null ? "Latest(" + quoted + ")" : "Specific(" + quoted + ", " + version + ")")
          : "Could not find any versions of model " + quoted);
    }
  }

  /** TF Serving's 404 for a version (null: the latest) that is not available now. */
  static ApiException notServed(String name, Long version) {
    String quoted = ApiException.quote(name);
    return ApiException.notFound("Servable not found for request: "
        + (version == null ? "Latest(" + quoted + ")" : "Specific(" + quoted + ", " + version + ")"));
  }

  /** TF Serving's 404 for a version label it was not given. */
  static ApiException unknownLabel(String label) {
    return ApiException.notFound("Unrecognized servable version label: " + ApiException.quote(label));
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
