package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;

/**
 * A download that failed. Besides the full sentence it keeps the bare reason ("the server
 * answered HTTP 404 Not Found") so {@link DatasetLocator} can fold it into its own message,
 * which also lists where it looked and how to provide the files by hand.
 */
public class DownloadException extends TfjMnistException {
  private final String url;
  private final String reason;

  public DownloadException(String url, String reason, Throwable cause) {
    super("Could not download " + url + ": " + reason + ".", cause);
    this.url = url;
    this.reason = reason;
  }

  public String url() {
    return url;
  }

  /** Why it failed, as a clause without a final period. */
  public String reason() {
    return reason;
  }
}
