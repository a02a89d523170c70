package mn.esra.exporter;

import io.camunda.zeebe.exporter.api.Exporter;
import io.camunda.zeebe.exporter.api.context.Context;
import io.camunda.zeebe.exporter.api.context.Controller;
import io.camunda.zeebe.protocol.record.Record;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Appends every engine record as one JSON line to a file: the read side our tests and the
 * launcher inspect (path taken, user tasks, incidents, variables) where no Operate is running.
 *
 * <p>With args.maxBytes above 0 the file is rotated once it passes that size: records.jsonl.1
 * becomes records.jsonl.2 (the older one is dropped), records.jsonl becomes records.jsonl.1 and a
 * new records.jsonl starts. So the stream never holds more than about three times maxBytes.
 */
public final class RecordFileExporter implements Exporter {
  static final int GENERATIONS = 2;

  private Path path;
  private long maxBytes;
  private long size;
  private BufferedWriter out;
  private Controller controller;

  @Override
  public void configure(final Context context) {
    final Object configured = context.getConfiguration().getArguments().get("path");
    if (configured == null) {
      throw new IllegalArgumentException("RecordFileExporter needs args.path");
    }
    path = Path.of(configured.toString());
    final Object limit = context.getConfiguration().getArguments().get("maxBytes");
    maxBytes = limit == null ? 0 : Long.parseLong(limit.toString());
  }

  @Override
  public void open(final Controller controller) {
    this.controller = controller;
    try {
      Files.createDirectories(path.getParent());
      openFile();
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void export(final Record<?> record) {
    try {
      final String line = record.toJson().replace('\n', ' ');
      out.write(line);
      out.newLine();
      out.flush();
      size += line.getBytes(StandardCharsets.UTF_8).length + 1;
      if (maxBytes > 0 && size >= maxBytes) {
        rotate();
      }
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
    controller.updateLastExportedRecordPosition(record.getPosition());
  }

  @Override
  public void close() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void openFile() throws IOException {
    out = Files.newBufferedWriter(path, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    size = Files.size(path);
  }

  private void rotate() throws IOException {
    out.close();
    for (int generation = GENERATIONS; generation > 1; generation--) {
      final Path older = generation(generation - 1);
      if (Files.exists(older)) {
        Files.move(older, generation(generation), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(path, generation(1), StandardCopyOption.REPLACE_EXISTING);
    openFile();
  }

  private Path generation(final int number) {
    return path.resolveSibling(path.getFileName() + "." + number);
  }
}
