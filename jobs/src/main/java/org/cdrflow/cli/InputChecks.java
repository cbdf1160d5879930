package org.cdrflow.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileConstants;
import org.cdrflow.connectors.db.ReferenceDataLoader;

/**
 * Checks of what a command line names, made before any stack starts, each failing with one line
 * that names the option, the value, what is wrong and what was expected ({@code --input feed.jsonl:
 * no such file}).
 */
final class InputChecks {
  /** Non-blank lines looked at before a file without one JSON object is called no feed. */
  static final int LINES_SNIFFED = 20;

  private static final int QUOTE_CHARS = 60;

  private InputChecks() {}

  /** What {@link #feed} found at the start of a feed file. */
  enum FeedContent {
    /** No record at all (empty or blank lines only): a feed of zero records. */
    EMPTY,
    JSON_LINES,
    CONTAINER
  }

  static Path existingFile(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new UsageError(option + " " + file + ": is a folder; expected a file");
    }
    if (!Files.exists(file)) {
      throw new UsageError(option + " " + file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new UsageError(option + " " + file + ": not readable (check its permissions)");
    }
    return file;
  }

  static Path existingFolder(String option, Path dir) {
    if (!Files.exists(dir)) {
      throw new UsageError(option + " " + dir + ": no such folder");
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageError(option + " " + dir + ": is a file; expected a folder");
    }
    return dir;
  }

  /**
   * A folder of reference CSVs: every {@code .csv} in it must be named after a reference table
   * (docs/reference-data.md); their rows are checked by the load itself.
   */
  static Path referenceFolder(String option, Path dir) throws IOException {
    existingFolder(option, dir);
    List<String> unknown = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".csv"))
          .filter(n -> !ReferenceDataLoader.TABLES.contains(n.substring(0, n.length() - 4)))
          .sorted()
          .forEach(unknown::add);
    }
    if (!unknown.isEmpty()) {
      throw new UsageError(
          option
              + " "
              + dir
              + ": "
              + String.join(", ", unknown)
              + " is not a reference table; expected files are "
              + String.join(", ", ReferenceDataLoader.TABLES)
              + " (.csv)");
    }
    return dir;
  }

  /** A folder a command writes into: absent (it is created) or a folder, not a file. */
  static Path outputFolder(String option, Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageError(option + " " + dir + ": is a file; expected a folder to write into");
    }
    return dir;
  }

  static LocalDate notAfter(String option, LocalDate date, LocalDate today) {
    if (date != null && date.isAfter(today)) {
      throw new UsageError(
          option + " " + date + ": is in the future (today is " + today + "); give a past date");
    }
    return date;
  }

  /**
   * Whether a file is a signalling feed at all: an Avro container file (by its magic bytes), or
   * Avro JSON lines of which at least one of the first {@value #LINES_SNIFFED} non-blank lines is a
   * JSON object. A malformed record inside a real feed is not refused here: the job rejects it on
   * its own (docs/mediation.md). A file of text or bytes that holds no record at all is.
   */
  static FeedContent feed(String option, Path file) throws IOException {
    existingFile(option, file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] head = in.readNBytes(DataFileConstants.MAGIC.length);
      if (Arrays.equals(head, DataFileConstants.MAGIC)) {
        return FeedContent.CONTAINER;
      }
      LineReader lines = new LineReader(in, head);
      String first = null;
      int firstNumber = 0;
      int seen = 0;
      String line;
      while (seen < LINES_SNIFFED && (line = lines.next()) != null) {
        String trimmed = stripBom(line).strip();
        if (trimmed.isEmpty()) {
          continue;
        }
        if (trimmed.startsWith("{")) {
          return FeedContent.JSON_LINES;
        }
        if (first == null) {
          first = trimmed;
          firstNumber = lines.number;
        }
        seen++;
      }
      if (first == null) {
        return FeedContent.EMPTY;
      }
      throw new UsageError(
          option
              + " "
              + file
              + ": not a CDR feed; line "
              + firstNumber
              + " is '"
              + quote(first)
              + "'; expected Avro JSON lines (one RawCdr JSON object per line) or an Avro"
              + " container file");
    }
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /**
   * The start of a line, printable characters only, with long digit runs (a number named by
   * mistake: a subscriber's) replaced by their length, since error messages may reach logs.
   */
  static String quote(String line) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < line.length() && sb.length() < QUOTE_CHARS; i++) {
      char c = line.charAt(i);
      sb.append(Character.isISOControl(c) || c == '\uFFFD' ? '?' : c);
    }
    String shown = DIGIT_RUN.matcher(sb).replaceAll(m -> "<" + m.group().length() + " digits>");
    return line.length() > QUOTE_CHARS ? shown + "..." : shown;
  }

  private static final Pattern DIGIT_RUN = Pattern.compile("\\d{6,}");

  /** Lines of at most 4 KiB each (the rest of a longer line is skipped): enough to judge. */
  private static final class LineReader {
    private static final int MAX = 4096;
    private final InputStream in;
    private byte[] pending;
    int number;

    LineReader(InputStream in, byte[] alreadyRead) {
      this.in = in;
      this.pending = alreadyRead;
    }

    String next() throws IOException {
      byte[] buf = new byte[MAX];
      int n = 0;
      boolean any = false;
      while (true) {
        int b;
        if (pending != null && pending.length > 0) {
          b = pending[0] & 0xff;
          pending = Arrays.copyOfRange(pending, 1, pending.length);
        } else {
          b = in.read();
        }
        if (b < 0) {
          break;
        }
        any = true;
        if (b == '\n') {
          break;
        }
        if (n < MAX) {
          buf[n++] = (byte) b;
        }
      }
      if (!any) {
        return null;
      }
      number++;
      return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
  }
}
