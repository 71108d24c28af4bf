package io.tfjmnist;

/**
 * A failure the user can act on: missing or corrupt data, an unreadable checkpoint, a bad image,
 * a shape that does not fit. Its message is a complete sentence meant to be shown as-is; the CLI
 * prints it on one line and exits non-zero instead of dumping a stack trace.
 */
public class TfjMnistException extends RuntimeException {
  public TfjMnistException(String message) {
    super(message);
  }

  public TfjMnistException(String message, Throwable cause) {
    super(message, cause);
  }
}
