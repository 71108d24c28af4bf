package io.tfjmnist.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/** How a request body's JSON problems are told to the client: in this project's words, not Jackson's. */
final class JsonWords {
  private JsonWords() {}

  /** Which of the parser's size limits a body broke, in this project's words (Jackson's name its settings). */
  static String limitExceeded(StreamConstraintsException e, int maxNesting) {
    String m = String.valueOf(e.getOriginalMessage()).toLowerCase(java.util.Locale.ROOT);
    if (m.contains("nesting")) {
      return "The JSON nests lists or objects more than " + maxNesting + " levels deep";
    }
    if (m.contains("number")) {
      return "The JSON holds a number with too many digits";
    }
    if (m.contains("name")) {
      return "The JSON holds a key that is too long";
    }
    return "The JSON holds a value too long to read";
  }

  /**
   * The first words of the parser's message ("Unexpected character", "Unexpected end-of-input"),
   * without its suggestions, settings or a long echo of the input.
   */
  static String reason(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    int cut = m.length();
    for (char c : new char[] {':', '(', '\n'}) {
      int i = m.indexOf(c);
      if (i > 0 && i < cut) {
        cut = i;
      }
    }
    String first = m.substring(0, cut).strip();
    if (first.isEmpty() || first.contains("Feature") || first.contains("Constraints") || first.contains("Exception")) {
      return "not valid JSON";
    }
    return ApiException.quote(first);
  }

  static String location(JsonProcessingException e) {
    return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? "" : " at line " + e.getLocation().getLineNr()
        + ", column " + e.getLocation().getColumnNr();
  }

  static String describe(JsonToken t) {
    if (t == null) {
      return "the end of the body";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case END_ARRAY -> "the end of a list";
      case END_OBJECT -> "the end of an object";
      default -> t.toString();
    };
  }
}
