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
import java.nio.file.StandardOpenOption;

/**
 * Appends every engine record as one JSON line to a file: the read side our tests and the
 * launcher inspect (path taken, user tasks, incidents, variables) where no Operate is running.
 */
public final class RecordFileExporter implements Exporter {
  private Path path;
  private BufferedWriter out;
  private Controller controller;

  @Override
  public void configure(final Context context) {
    final Object configured = context.getConfiguration().getArguments().get("path");
    if (configured == null) {
      throw new IllegalArgumentException("RecordFileExporter needs args.path");
    }
    path = Path.of(configured.toString());
  }

  @Override
  public void open(final Controller controller) {
    this.controller = controller;
    try {
      Files.createDirectories(path.getParent());
      out = Files.newBufferedWriter(path, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (final IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void export(final Record<?> record) {
    try {
      out.write(record.toJson().replace('\n', ' '));
      out.newLine();
      out.flush();
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
}
