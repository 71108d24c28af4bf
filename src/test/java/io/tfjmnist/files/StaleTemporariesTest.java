package io.tfjmnist.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the project's own temporaries of writers that are gone are removed; a held lock names its holder. */
class StaleTemporariesTest {
  @TempDir
  Path dir;

  @Test
  void removesOnlyOwnTemporariesOfEndedProcesses() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    long dead = ended.pid();
    long live = ProcessHandle.current().pid();
    Files.writeString(dir.resolve(".mnist.tmp-" + dead + "-12.index"), "x");
    Files.createDirectories(dir.resolve(".1.tmp-" + dead + "-13/variables"));
    Files.writeString(dir.resolve(".1.tmp-" + dead + "-13/variables/v"), "x");
    Files.writeString(dir.resolve(".mnist.tmp-" + live + "-14.index"), "a live writer's");
    Files.writeString(dir.resolve("notes.tmp-" + dead + "-15"), "not hidden: not ours");
    Files.writeString(dir.resolve(".bashrc.tmp"), "not our pattern");
    Files.writeString(dir.resolve("mnist.index"), "the user's");

    List<String> removed = StaleTemporaries.clean(dir);
    assertEquals(2, removed.size(), removed.toString());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(".bashrc.tmp", ".mnist.tmp-" + live + "-14.index", "mnist.index", "notes.tmp-" + dead + "-15"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aHeldLockIsRefusedNamingTheHolderAndFreedOnClose() throws Exception {
    Path lock = OutputLock.besides(dir.resolve("mnist"));
    try (OutputLock held = OutputLock.acquire(lock)) {
      assertEquals(lock, held.file());
      OutputLock.HeldException e = assertThrows(OutputLock.HeldException.class, () -> OutputLock.acquire(lock));
      assertEquals("PID " + ProcessHandle.current().pid(), e.holder());
      assertTrue(OutputLock.tryAcquire(lock).isEmpty());
    }
    try (OutputLock again = OutputLock.acquire(lock)) {
      assertTrue(Files.readString(lock).trim().equals(Long.toString(ProcessHandle.current().pid())));
    }
  }
}
