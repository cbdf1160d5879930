package org.cdrflow.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartnerFilesTest {
  private static final YearMonth JULY = YearMonth.of(2026, 7);
  private static final String CDR_HEADER =
      "call_id,a_number,b_number,start,duration_s,direction,product,amount\n";
  private static final String STATEMENT_HEADER =
      "direction,product,day,events,minutes,amount,currency\n";

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void callsAreReadWithNumbersNormalisedAsInMediation() throws Exception {
    Path f =
        write(
            "calls.csv",
            CDR_HEADER
                + "X1,004791000101,45123456,2026-07-10T10:00:00+02:00,120,OUT,VOICE_TERM_MOBILE,0.24\n"
                + "\n"
                + "\"X,2\",,+47 451 23 456,2026-07-10T08:00:05Z,0,IN,SMS_TERM,-0.05\n");
    PartnerFiles.Calls calls = PartnerFiles.readCalls(f, JULY);
    assertEquals(2, calls.calls().size());
    PartnerCall first = calls.calls().get(0);
    assertEquals("+4791000101", first.aNumber());
    assertEquals("+4745123456", first.bNumber());
    assertEquals(Instant.parse("2026-07-10T08:00:00Z"), first.start());
    assertEquals(2, first.line());
    PartnerCall second = calls.calls().get(1);
    assertEquals("X,2", second.callId());
    assertNull(second.aNumber());
    assertEquals(4, second.line());
    assertEquals(new BigDecimal("-0.05"), second.amount());
    assertEquals(64, calls.sha256().length());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "bad start;X1,+4791000101,+4745123456,10.07.2026 10:00,120,OUT,VOICE_TERM_MOBILE,0.24;3;4 (start)",
        "start outside the month;X1,+4791000101,+4745123456,2026-09-10T10:00:00Z,120,OUT,VOICE_TERM_MOBILE,0.24;3;4 (start)",
        "negative duration;X1,+4791000101,+4745123456,2026-07-10T10:00:00Z,-1,OUT,VOICE_TERM_MOBILE,0.24;3;5 (duration_s)",
        "unknown direction;X1,+4791000101,+4745123456,2026-07-10T10:00:00Z,1,SIDEWAYS,VOICE_TERM_MOBILE,0.24;3;6 (direction)",
        "unknown product;X1,+4791000101,+4745123456,2026-07-10T10:00:00Z,1,OUT,DATA,0.24;3;7 (product)",
        "amount with a comma;X1,+4791000101,+4745123456,2026-07-10T10:00:00Z,1,OUT,SMS_TERM,\"0,24\";3;8 (amount)",
        "not a number;X1,+4791000101,abc,2026-07-10T10:00:00Z,1,OUT,SMS_TERM,0.24;3;3 (b_number)",
        "call id twice;X0,+4791000101,+4745123456,2026-07-10T10:00:00Z,1,OUT,SMS_TERM,0.24;3;1 (call_id)",
        "too few fields;X1,+4791000101;3;",
      })
  void aBadCallFileIsRefusedWithLineAndColumn(String name, String badLine, int line, String column)
      throws Exception {
    Path f =
        write(
            "bad.csv",
            CDR_HEADER
                + "X0,+4791000101,+4745123456,2026-07-10T09:00:00Z,60,OUT,VOICE_TERM_MOBILE,0.12\n"
                + badLine
                + "\n");
    PartnerFileException e =
        assertThrows(PartnerFileException.class, () -> PartnerFiles.readCalls(f, JULY), name);
    assertEquals(line, e.line(), e.getMessage());
    assertEquals(column, e.column(), e.getMessage());
    assertTrue(e.getMessage().startsWith("bad.csv: line " + line), e.getMessage());
    assertFalse(
        e.getMessage().contains("4791000101"), "no number in the message: " + e.getMessage());
  }

  @Test
  void aWrongHeaderIsRefusedOnLineOne() throws Exception {
    Path f = write("h.csv", "id,a,b\n");
    PartnerFileException e =
        assertThrows(PartnerFileException.class, () -> PartnerFiles.readCalls(f, JULY));
    assertEquals(1, e.line());
  }

  @Test
  void statementRowsAreValidated() throws Exception {
    Path ok =
        write(
            "s.csv",
            STATEMENT_HEADER
                + "OUT,VOICE_TERM_MOBILE,2026-07-01,10,12.50,1.25,NOK\n"
                + "IN,SMS_TERM,2026-07-01,3,0,0.15,NOK\n");
    PartnerFiles.Statement s = PartnerFiles.readStatement(ok, JULY);
    assertEquals(2, s.rows().size());
    assertEquals("NOK", s.currency());

    Path otherMonth =
        write("s2.csv", STATEMENT_HEADER + "OUT,VOICE_TERM_MOBILE,2026-08-01,10,12.50,1.25,NOK\n");
    PartnerFileException e =
        assertThrows(
            PartnerFileException.class, () -> PartnerFiles.readStatement(otherMonth, JULY));
    assertEquals(2, e.line());
    assertEquals("3 (day)", e.column());

    Path mixed =
        write(
            "s3.csv",
            STATEMENT_HEADER
                + "OUT,VOICE_TERM_MOBILE,2026-07-01,10,12.50,1.25,NOK\n"
                + "OUT,VOICE_TERM_MOBILE,2026-07-02,10,12.50,1.25,EUR\n");
    e = assertThrows(PartnerFileException.class, () -> PartnerFiles.readStatement(mixed, JULY));
    assertEquals(3, e.line());
    assertEquals("7 (currency)", e.column());

    Path twice =
        write(
            "s4.csv",
            STATEMENT_HEADER
                + "OUT,VOICE_TERM_MOBILE,2026-07-01,10,12.50,1.25,NOK\n"
                + "OUT,VOICE_TERM_MOBILE,2026-07-01,1,1.00,0.10,NOK\n");
    e = assertThrows(PartnerFileException.class, () -> PartnerFiles.readStatement(twice, JULY));
    assertEquals(3, e.line());
  }

  /** The plain UTC reading gives the general parser's instant, or leaves the value to it. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({
    "2026-10-01T00:00:00Z",
    "2026-10-31T23:59:59Z",
    "2024-02-29T12:00:00Z",
    "2026-02-29T12:00:00Z",
    "2026-04-31T12:00:00Z",
    "2026-13-01T12:00:00Z",
    "2026-10-01T24:00:00Z",
    "2026-10-01T23:60:00Z",
    "2026-10-01T23:59:60Z",
    "2026-10-00T12:00:00Z",
    "0000-01-01T00:00:00Z",
    "2026-10-01T12:00:00+02:00",
    "2026-10-01T12:00Z",
    "2026-10-01T12:00:00.5Z",
    "2026-10-01 12:00:00Z",
    "2026-1a-01T12:00:00Z",
    "2026-10-01T12:00:00z",
  })
  void plainUtcReadsAsTheGeneralParser(String v) {
    Instant general;
    try {
      general = java.time.OffsetDateTime.parse(v).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      general = null;
    }
    Instant plain = PartnerFiles.plainUtc(v);
    if (plain != null) {
      assertEquals(general, plain);
    }
  }

  @Test
  void plainUtcReadsEverySecondOfAYearAsTheGeneralParser() {
    java.util.Random random = new java.util.Random(20);
    for (int i = 0; i < 20_000; i++) {
      String v = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(400_000_000)).toString();
      assertEquals(java.time.OffsetDateTime.parse(v).toInstant(), PartnerFiles.plainUtc(v), v);
    }
  }

  /** Read in chunks on all cores, the problem reported is still the first in the file. */
  @Test
  void theFirstProblemInTheFileIsReportedAcrossChunks() throws Exception {
    int n = PartnerFiles.CHUNK_LINES * 3;
    String good = ",91234567,41234567,2026-07-01T10:00:0%dZ,60,OUT,VOICE_TERM_MOBILE,0.5\n";
    // A duplicate in the second chunk of a call id of the first, a bad number in the third.
    StringBuilder dup = new StringBuilder(CDR_HEADER);
    for (int i = 0; i < n; i++) {
      String id = i == PartnerFiles.CHUNK_LINES + 10 ? "C5" : "C" + i;
      String line = id + String.format(good, i % 10);
      dup.append(i == 2 * PartnerFiles.CHUNK_LINES + 3 ? line.replace("91234567", "x") : line);
    }
    PartnerFileException e =
        assertThrows(
            PartnerFileException.class,
            () -> PartnerFiles.readCalls(write("dup.csv", dup.toString()), JULY));
    assertEquals(PartnerFiles.CHUNK_LINES + 12, e.line());
    assertTrue(e.getMessage().contains("call id already on line 7"), e.getMessage());
    // A bad number on the line that also repeats a call id: the repeat is reported, as before.
    String both = dup.toString().replace("C5,91234567", "C5,x");
    e =
        assertThrows(
            PartnerFileException.class,
            () -> PartnerFiles.readCalls(write("both.csv", both), JULY));
    assertEquals(7, e.line());
    assertTrue(e.getMessage().contains("a_number"), e.getMessage());
    String repeatWithBadNumber =
        dup.toString()
            .replace(
                "C5,91234567,41234567,2026-07-01T10:00:02Z", "C5,x,41234567,2026-07-01T10:00:02Z");
    e =
        assertThrows(
            PartnerFileException.class,
            () -> PartnerFiles.readCalls(write("repeat.csv", repeatWithBadNumber), JULY));
    assertEquals(PartnerFiles.CHUNK_LINES + 12, e.line());
    assertTrue(e.getMessage().contains("call id already on line 7"), e.getMessage());
    // Without the repeat, the bad number of the third chunk.
    String bad =
        dup.toString()
            .replace(
                "C5,91234567,41234567,2026-07-01T10:00:02Z",
                "C" + n + ",91234567,41234567,2026-07-01T10:00:02Z");
    e =
        assertThrows(
            PartnerFileException.class, () -> PartnerFiles.readCalls(write("bad.csv", bad), JULY));
    assertEquals(2 * PartnerFiles.CHUNK_LINES + 5, e.line());
  }

  /**
   * A line read from its bytes gives exactly the general parser's call (the same record, amounts
   * with the same scale), or is left to the general parser.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "X1,91000101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.122917|true",
        "X1,+4791000101,+4745123456,2026-07-10T08:00:03Z,0,IN,SMS_TERM,-0.05|true",
        "X1,004791000101,004745123456,2026-07-10T08:00:03Z,7,OUT,VOICE_INTL,12|true",
        "X1,,45123456,2026-07-10T08:00:03Z,7,OUT,VOICE_TERM_FIXED,007.500000|true",
        "X1,0046701234567,45123456,2026-07-10T08:00:03Z,7,OUT,VOICE_INTL,-0|true",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,000000000125,OUT,VOICE_TERM_MOBILE,999999999999.999999|true",
        "X1,91000101,45123456,2026-07-10T10:00:03+02:00,125,OUT,VOICE_TERM_MOBILE,0.1|false",
        "X1,91000101,45123456,2026-07-10T08:00:03.5Z,125,OUT,VOICE_TERM_MOBILE,0.1|false",
        "X1, 91000101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1|false",
        "\"X1\",91000101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1|false",
        "Ø1,91000101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1|false",
        "X1,+47 910 00 101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1|false",
      })
  void aPlainLineIsReadAsTheGeneralParserReadsIt(String text, boolean plain) throws Exception {
    Path f = dir.resolve("calls.csv");
    PartnerCall fast = PartnerFiles.plainCall(f, JULY, text, 9);
    assertEquals(plain, fast != null, text);
    PartnerCall general = PartnerFiles.generalCall(f, JULY, text, 9);
    if (fast != null) {
      assertEquals(general, fast);
      assertEquals(general.amount().scale(), fast.amount().scale());
    }
  }

  /** Lines with a problem are left to the general parser, which reports it. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "X1,91000101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1,x",
        ",91000101,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,9100010x,45123456,2026-07-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,45123456,2026-09-10T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,45123456,2026-07-32T08:00:03Z,125,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,-1,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1234567890123,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,,OUT,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,out,VOICE_TERM_MOBILE,0.1",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,DATA,0.1",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,VOICE_TERM_MOBILEX,0.1",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,0.1234567",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,1234567890123",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,.5",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,5.",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,--5",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,",
        "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,1e3",
      })
  void aLineWithAProblemIsLeftToTheGeneralParser(String text) {
    Path f = dir.resolve("calls.csv");
    assertNull(PartnerFiles.plainCall(f, JULY, text, 9), text);
    PartnerFileException e =
        assertThrows(
            PartnerFileException.class, () -> PartnerFiles.generalCall(f, JULY, text, 9), text);
    assertEquals(9, e.line());
  }

  @Test
  void randomPlainLinesAreReadAsTheGeneralParserReadsThem() throws Exception {
    java.util.Random random = new java.util.Random(20);
    Path f = dir.resolve("calls.csv");
    String[] products = {"VOICE_TERM_MOBILE", "VOICE_TERM_FIXED", "VOICE_INTL", "SMS_TERM"};
    for (int i = 0; i < 20_000; i++) {
      String number =
          switch (random.nextInt(4)) {
            case 0 -> "9" + String.format("%07d", random.nextInt(10_000_000));
            case 1 -> "+474" + String.format("%07d", random.nextInt(10_000_000));
            case 2 -> "00479" + String.format("%07d", random.nextInt(10_000_000));
            default -> "";
          };
      String amount =
          (random.nextInt(5) == 0 ? "-" : "")
              + random.nextInt(1000)
              + (random.nextBoolean() ? "" : "." + (1 + random.nextInt(99999)));
      String text =
          "C"
              + i
              + ","
              + number
              + ",4"
              + String.format("%07d", random.nextInt(10_000_000))
              + ","
              + Instant.parse("2026-06-30T00:00:00Z").plusSeconds(random.nextInt(33 * 86_400))
              + ","
              + random.nextInt(5_000)
              + ","
              + (random.nextBoolean() ? "IN" : "OUT")
              + ","
              + products[random.nextInt(products.length)]
              + ","
              + amount;
      PartnerCall general;
      try {
        general = PartnerFiles.generalCall(f, JULY, text, 2);
      } catch (PartnerFileException e) {
        general = null;
      }
      assertEquals(general, PartnerFiles.plainCall(f, JULY, text, 2), text);
    }
  }

  /**
   * Lines end as a line reader ends them ({@code \n}, {@code \r\n}, {@code \r}), whatever block of
   * bytes they fall in, and the hash is the file's.
   */
  @Test
  void blocksAndLineEndsGiveTheSameCalls() throws Exception {
    StringBuilder text = new StringBuilder("\uFEFF" + CDR_HEADER.replace("\n", "\r\n"));
    String[] ends = {"\n", "\r\n", "\r", "\n\n", "\r\n \r\n"};
    for (int i = 0; i < 300; i++) {
      text.append("C")
          .append(i)
          .append(i % 7 == 0 ? ",\"+47 910 00 1" + (i % 10) + "\"" : ",9100010" + (i % 10))
          .append(",45123456,2026-07-10T08:00:0")
          .append(i % 10)
          .append(i % 11 == 0 ? "+00:00" : "Z")
          .append(",60,OUT,VOICE_TERM_MOBILE,0.5")
          .append(i == 299 ? "" : ends[i % ends.length]);
    }
    Path f = write("ends.csv", text.toString());
    PartnerFiles.Calls whole = PartnerFiles.readCalls(f, JULY);
    assertEquals(300, whole.calls().size());
    assertEquals(PartnerFiles.sha256(f), whole.sha256());
    // Line numbers as a line reader counts them.
    java.util.List<String> lines = Files.readAllLines(f);
    for (PartnerCall c : whole.calls()) {
      assertTrue(lines.get(c.line() - 1).startsWith(c.callId() + ","), c.toString());
    }
    for (int block : new int[] {1, 7, 64, 1000}) {
      PartnerFiles.Calls small = PartnerFiles.readCalls(f, JULY, block);
      assertEquals(whole, small, "blocks of " + block);
    }
  }

  @Test
  void bytesThatAreNotUtf8RefuseTheFile() throws Exception {
    Path f = dir.resolve("latin1.csv");
    byte[] head =
        (CDR_HEADER + "X1,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,0.1\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad =
        "X\u00d82,91000101,45123456,2026-07-10T08:00:03Z,1,OUT,SMS_TERM,0.1\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] all = java.util.Arrays.copyOf(head, head.length + bad.length);
    System.arraycopy(bad, 0, all, head.length, bad.length);
    Files.write(f, all);
    assertThrows(
        java.nio.charset.CharacterCodingException.class, () -> PartnerFiles.readCalls(f, JULY));
  }
}
