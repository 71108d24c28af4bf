package io.tfjmnist.keras;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointSaver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A Keras 3 {@code .keras} file: a zip holding {@code config.json} (the model's serialised config),
 * {@code metadata.json} (Keras version, date) and {@code model.weights.h5} (the {@code .weights.h5}
 * layout, plus the optimizer when the model was compiled). Read and written with
 * {@code java.util.zip}; entries are stored uncompressed, as Keras stores them.
 *
 * @param configJson the {@code config.json} text
 * @param metadataJson the {@code metadata.json} text, or "" when absent
 * @param weightsH5 the {@code model.weights.h5} bytes, or null when the archive has none
 */
public record KerasArchive(String configJson, String metadataJson, byte[] weightsH5) {
  public static final String CONFIG = "config.json";
  public static final String METADATA = "metadata.json";
  public static final String WEIGHTS = "model.weights.h5";

  /** Reads the three entries; a missing {@code config.json} or a broken zip is an error, missing weights are not. */
  public static KerasArchive read(Path file) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        if (e.getName().equals(CONFIG) || e.getName().equals(METADATA) || e.getName().equals(WEIGHTS)) {
          entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
        }
      }
    } catch (ZipException e) {
      throw new TfjMnistException(file + " is a damaged or truncated .keras archive (zip: " + e.getMessage()
          + "); save it again with model.save.", e);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot read " + file + ": " + e.getMessage() + ".", e);
    }
    if (!entries.containsKey(CONFIG)) {
      throw new TfjMnistException(file + " is a zip file but not a .keras archive: it has no config.json"
          + " (a .keras file holds config.json, metadata.json and model.weights.h5).");
    }
    byte[] meta = entries.get(METADATA);
    return new KerasArchive(new String(entries.get(CONFIG), StandardCharsets.UTF_8),
        meta == null ? "" : new String(meta, StandardCharsets.UTF_8), entries.get(WEIGHTS));
  }

  /** The weights, or an error saying that this archive was saved without them. */
  public byte[] requireWeights(Path file) {
    if (weightsH5 == null) {
      throw new TfjMnistException(file + " is a .keras archive without model.weights.h5, so it has a config but no"
          + " weights; save the model with model.save('" + file.getFileName() + "') after building it.");
    }
    return weightsH5;
  }

  /** Writes the archive atomically (temporary name, then rename). */
  public void write(Path file) {
    CheckpointSaver.writeAtomically(file, bytes());
  }

  byte[] bytes() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(buffer)) {
      store(zip, METADATA, metadataJson.getBytes(StandardCharsets.UTF_8));
      store(zip, CONFIG, configJson.getBytes(StandardCharsets.UTF_8));
      if (weightsH5 != null) {
        store(zip, WEIGHTS, weightsH5);
      }
    } catch (IOException e) {
      throw new TfjMnistException("Cannot build the .keras archive: " + e.getMessage(), e);
    }
    return buffer.toByteArray();
  }

  private static void store(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }
}
