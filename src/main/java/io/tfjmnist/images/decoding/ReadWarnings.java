package io.tfjmnist.images.decoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Collects ImageIO's read warnings and decides which of them mean "this file is broken".
 *
 * <p>Needed because ImageIO's JPEG reader does not fail on a truncated file: libjpeg pads the
 * missing data with grey and only warns ("Corrupt JPEG data: premature end of data segment").
 * We refuse such files rather than feed a half-grey picture to the model.
 */
final class ReadWarnings implements IIOReadWarningListener {
  private final List<String> messages = new ArrayList<>();

  @Override
  public void warningOccurred(ImageReader source, String warning) {
    messages.add(warning == null ? "" : warning);
  }

  /** The first warning that means missing or damaged image data, or null if there is none. */
  String fatal() {
    for (String m : messages) {
      String s = m.toLowerCase(Locale.ROOT);
      // "Corrupt JPEG data: N extraneous bytes before marker 0xd9" is stray padding between
      // segments, written by some cameras and editors; every pixel still decodes, so allow it.
      boolean extraneous = s.contains("extraneous bytes");
      if (s.contains("premature end") || s.contains("corrupt") && !extraneous
          || s.contains("truncated") && !s.contains("missing eoi")) {
        return m;
      }
    }
    return null;
  }
}
