package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A file named as a feed is refused up front only when it is no feed at all; a malformed record
 * inside a real feed is the job's to reject (docs/mediation.md).
 */
class InputChecksTest {
  @TempDir Path dir;

  private static final String RECORD = "{\"networkElement\": \"MSC-OSL-1\"}";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|EMPTY",
        "'\\n\\n  \\n'|EMPTY",
        RECORD + "|JSON_LINES",
        "'\\n\\n" + RECORD + "\\n'|JSON_LINES",
        "'garbage first\\n" + RECORD + "\\n'|JSON_LINES",
        "'\uFEFF" + RECORD + "'|JSON_LINES",
      })
  void feedsOfZeroOrMoreRecordsAreAccepted(String content, InputChecks.FeedContent expected)
      throws Exception {
    Path file = write(content.replace("\\n", "\n"));

    assertEquals(expected, InputChecks.feed("--input", file));
  }

  @Test
  void anAvroContainerIsRecognisedByItsMagicBytes() throws Exception {
    Path file = dir.resolve("feed.avro");
    Files.write(file, new byte[] {'O', 'b', 'j', 1, 0, 0});

    assertEquals(InputChecks.FeedContent.CONTAINER, InputChecks.feed("--input", file));
  }

  @Test
  void textThatHoldsNoRecordIsRefusedQuotingItsFirstLine() throws Exception {
    Path file = write("\nhello world\nthis is not a feed\nat all\n");

    UsageError e = assertThrows(UsageError.class, () -> InputChecks.feed("--input", file));

    assertTrue(
        e.getMessage().startsWith("--input " + file + ": not a CDR feed; line 2 is 'hello world'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("expected Avro JSON lines"), e.getMessage());
  }

  @Test
  void aQuotedLineNeverShowsALongNumber() throws Exception {
    Path file = write("+4791234567;+4745000000\n");

    UsageError e = assertThrows(UsageError.class, () -> InputChecks.feed("--input", file));

    assertFalse(e.getMessage().contains("91234567"), e.getMessage());
    assertTrue(e.getMessage().contains("+<10 digits>"), e.getMessage());
  }

  @Test
  void missingFilesAndFoldersAreNamedWithTheOption() {
    Path missing = dir.resolve("feed.jsonl");

    assertEquals(
        "--input " + missing + ": no such file",
        assertThrows(UsageError.class, () -> InputChecks.feed("--input", missing)).getMessage());
    assertEquals(
        "--reference " + missing + ": no such folder",
        assertThrows(UsageError.class, () -> InputChecks.existingFolder("--reference", missing))
            .getMessage());
    assertEquals(
        "--input " + dir + ": is a folder; expected a file",
        assertThrows(UsageError.class, () -> InputChecks.existingFile("--input", dir))
            .getMessage());
  }

  @Test
  void aReferenceFolderWithAMisspeltTableIsRefused() throws Exception {
    Files.writeString(dir.resolve("partners.csv"), "partner_id\n");

    UsageError e =
        assertThrows(UsageError.class, () -> InputChecks.referenceFolder("--reference", dir));

    assertTrue(e.getMessage().contains("partners.csv is not a reference table"), e.getMessage());
  }

  @Test
  void aDateInTheFutureIsRefused() {
    LocalDate today = LocalDate.of(2026, 12, 7);

    assertEquals(today, InputChecks.notAfter("--as-of", today, today));
    UsageError e =
        assertThrows(
            UsageError.class, () -> InputChecks.notAfter("--as-of", today.plusDays(1), today));
    assertEquals(
        "--as-of 2026-12-08: is in the future (today is 2026-12-07); give a past date",
        e.getMessage());
  }

  private Path write(String content) throws Exception {
    Path file = dir.resolve("feed.jsonl");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
