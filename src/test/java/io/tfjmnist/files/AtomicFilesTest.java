package io.tfjmnist.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesReplacesAndLeavesNoTemporary() throws IOException {
    Path f = dir.resolve("sub/out.txt");
    AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
    assertEquals("two", Files.readString(f));
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertEquals(List.of("out.txt"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aFailedWriteKeepsTheOldFileAndCleansUp() throws IOException {
    Path f = dir.resolve("history.csv");
    Files.writeString(f, "old");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
      out.write("half".getBytes(StandardCharsets.UTF_8));
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("history.csv"), names());
  }

  @Test
  void aReplacedFileKeepsItsPermissions() throws IOException {
    Path f = dir.resolve("figure.png");
    Files.writeString(f, "old");
    if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
      AtomicFiles.write(f, new byte[] {1});
      assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
  }

  @Test
  void temporariesAreHiddenSiblings() {
    Path t = AtomicFiles.temporarySibling(dir.resolve("ckpt-1.json"));
    assertEquals(dir.toAbsolutePath(), t.getParent());
    assertEquals(true, t.getFileName().toString().matches("\\.ckpt-1\\.json\\.tmp-\\d+-\\d+"), t.toString());
  }
}
