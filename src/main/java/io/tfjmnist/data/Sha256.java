package io.tfjmnist.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** SHA-256 helpers; every JRE must ship SHA-256, so its absence is a broken JRE, not user error. */
final class Sha256 {
  private Sha256() {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This Java runtime has no SHA-256", e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Checksums from files and users may be upper-case or padded; compare them normalised. */
  static boolean matches(String actualHex, String expectedHex) {
    return actualHex.equals(expectedHex.trim().toLowerCase(Locale.ROOT));
  }
}
