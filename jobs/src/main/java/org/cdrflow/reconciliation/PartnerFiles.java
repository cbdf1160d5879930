package org.cdrflow.reconciliation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.cdrflow.numbers.NormalisedNumber;
import org.cdrflow.numbers.NumberNormaliser;
import org.cdrflow.settlement.SettlementProduct;

/**
 * Reads and validates the two files a partner sends (docs/reconciliation.md, "Formats"). A file is
 * read whole before anything is stored; the first problem refuses it with the file, line and
 * column. Fields are separated by commas; a field may be quoted with double quotes (a quote inside
 * doubled); a field never spans lines.
 */
public final class PartnerFiles {
  public static final List<String> STATEMENT_HEADER =
      List.of("direction", "product", "day", "events", "minutes", "amount", "currency");
  public static final List<String> CDR_HEADER =
      List.of(
          "call_id",
          "a_number",
          "b_number",
          "start",
          "duration_s",
          "direction",
          "product",
          "amount");

  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
  private static final Set<String> DIRECTIONS = Set.of("IN", "OUT");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,12}(\\.[0-9]{1,6})?");
  private static final Pattern COUNT = Pattern.compile("[0-9]{1,12}");

  private PartnerFiles() {}

  /** A validated monthly statement, in file order, all rows in one currency. */
  public record Statement(List<StatementRow> rows, String currency, String sha256) {}

  /** A validated per-call file, in file order. */
  public record Calls(List<PartnerCall> calls, String sha256) {}

  public static Statement readStatement(Path file, YearMonth month)
      throws IOException, PartnerFileException {
    List<StatementRow> rows = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    String currency = null;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Fields f = new Fields(file, STATEMENT_HEADER);
      f.header(r.readLine());
      String text;
      while ((text = r.readLine()) != null) {
        if (!f.next(text)) {
          continue;
        }
        String direction = f.oneOf("direction", DIRECTIONS);
        String product = f.product("product");
        LocalDate day = f.date("day");
        if (!YearMonth.from(day).equals(month)) {
          throw f.problem("day", "day " + day + " is not in " + month);
        }
        long events = f.count("events");
        BigDecimal minutes = f.decimal("minutes", false);
        BigDecimal amount = f.decimal("amount", true);
        String cur = f.matching("currency", CURRENCY, "an ISO 4217 code such as NOK");
        if (currency == null) {
          currency = cur;
        } else if (!currency.equals(cur)) {
          throw f.problem(
              "currency", "the statement mixes currencies (" + currency + " and " + cur + ")");
        }
        StatementRow row =
            new StatementRow(f.line, direction, product, day, events, minutes, amount, cur);
        Integer earlier = seen.putIfAbsent(row.key(), f.line);
        if (earlier != null) {
          throw f.problem(
              null, "the same direction, product and day as line " + earlier + " (one row each)");
        }
        rows.add(row);
      }
    }
    return new Statement(rows, currency, sha256(file));
  }

  /** Lines of the per-call file parsed by one task of {@link #readCalls}. */
  static final int CHUNK_LINES = 8_192;

  /**
   * Reads the per-call file. The lines are parsed and their numbers normalised in chunks on all
   * cores (docs/benchmarks.md, "Reconciliation"); the call ids are then checked in file order, so
   * the problem reported is the first in the file, as a reading line by line would report it.
   */
  public static Calls readCalls(Path file, YearMonth month)
      throws IOException, PartnerFileException {
    NumberNormaliser numbers = NumberNormaliser.shared();
    Instant from = month.atDay(1).atStartOfDay(OSLO).toInstant().minusSeconds(86_400);
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(OSLO).toInstant().plusSeconds(86_400);
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      new Fields(file, CDR_HEADER).header(r.readLine());
      String text;
      while ((text = r.readLine()) != null) {
        lines.add(text);
      }
    }
    int chunks = (lines.size() + CHUNK_LINES - 1) / CHUNK_LINES;
    List<CallChunk> parsed =
        IntStream.range(0, chunks)
            .parallel()
            .mapToObj(k -> CallChunk.parse(file, lines, k, numbers, month, from, to))
            .toList();
    List<PartnerCall> calls = new ArrayList<>(lines.size());
    Map<String, Integer> seen = new HashMap<>(Math.max(16, lines.size() * 4 / 3));
    for (CallChunk chunk : parsed) {
      for (PartnerCall call : chunk.calls) {
        Integer earlier = seen.putIfAbsent(call.callId(), call.line());
        if (earlier != null) {
          throw chunk.fields.problemAt(
              call.line(), "call_id", "call id already on line " + earlier);
        }
        calls.add(call);
      }
      if (chunk.problem != null) {
        Integer earlier = chunk.problemCallId == null ? null : seen.get(chunk.problemCallId);
        if (earlier != null) {
          throw chunk.fields.problemAt(
              chunk.problem.line(), "call_id", "call id already on line " + earlier);
        }
        throw chunk.problem;
      }
    }
    return new Calls(calls, sha256(file));
  }

  /** One chunk of lines parsed: its calls up to the first problem, and that problem. */
  private static final class CallChunk {
    final Fields fields;
    final List<PartnerCall> calls = new ArrayList<>(CHUNK_LINES);
    PartnerFileException problem;

    /** The call id of the line with the problem, when the problem came after reading it. */
    String problemCallId;

    private CallChunk(Fields fields) {
      this.fields = fields;
    }

    static CallChunk parse(
        Path file,
        List<String> lines,
        int k,
        NumberNormaliser numbers,
        YearMonth month,
        Instant from,
        Instant to) {
      Fields f = new Fields(file, CDR_HEADER);
      CallChunk chunk = new CallChunk(f);
      int first = k * CHUNK_LINES;
      int last = Math.min(lines.size(), first + CHUNK_LINES);
      // Line numbers count the header as line 1: lines.get(i) is line i + 2.
      f.line = first + 1;
      try {
        for (int i = first; i < last; i++) {
          chunk.problemCallId = null;
          if (!f.next(lines.get(i))) {
            continue;
          }
          String callId = f.required("call_id");
          chunk.problemCallId = callId;
          String a = f.number("a_number", numbers, false);
          String b = f.number("b_number", numbers, true);
          Instant start = f.instant("start");
          if (start.isBefore(from) || !start.isBefore(to)) {
            throw f.problem("start", "start is more than a day outside " + month);
          }
          long seconds = f.count("duration_s");
          String direction = f.oneOf("direction", DIRECTIONS);
          String product = f.product("product");
          BigDecimal amount = f.decimal("amount", true);
          chunk.calls.add(
              new PartnerCall(f.line, callId, a, b, start, seconds, direction, product, amount));
        }
      } catch (PartnerFileException e) {
        chunk.problem = e;
      }
      return chunk;
    }
  }

  /** The SHA-256 of a file's bytes, hex. */
  public static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The instant of {@code yyyy-MM-ddTHH:mm:ssZ}, the form most partner files use, read without the
   * general ISO-8601 parser (a third of the reading time otherwise); null for anything else, which
   * then goes through {@link OffsetDateTime#parse} (that also reports the errors). The tests check
   * that both give the same instant.
   */
  static Instant plainUtc(String v) {
    if (v.length() != 20
        || v.charAt(4) != '-'
        || v.charAt(7) != '-'
        || v.charAt(10) != 'T'
        || v.charAt(13) != ':'
        || v.charAt(16) != ':'
        || v.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 2);
    int day = digits(v, 8, 2);
    int hour = digits(v, 11, 2);
    int minute = digits(v, 14, 2);
    int second = digits(v, 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second);
  }

  /** The value of {@code length} ASCII digits from {@code from}, or -1. */
  private static int digits(String v, int from, int length) {
    int value = 0;
    for (int i = from; i < from + length; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The fields of the current line, with the line number and column names for messages. */
  private static final class Fields {
    private final Path file;
    private final List<String> header;
    private final Map<String, Integer> index = new HashMap<>();
    private final String[] values;
    int line = 1;

    Fields(Path file, List<String> header) {
      this.file = file;
      this.header = header;
      for (int i = 0; i < header.size(); i++) {
        index.put(header.get(i), i);
      }
      values = new String[header.size()];
    }

    void header(String text) throws PartnerFileException {
      if (text == null) {
        throw new PartnerFileException(file, 1, null, "empty file (a header row is required)");
      }
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      List<String> got = split(text);
      if (!got.equals(header)) {
        throw new PartnerFileException(
            file, 1, null, "header must be " + String.join(",", header) + ", not " + text);
      }
    }

    /** Splits the next line; false for a blank line. */
    boolean next(String text) throws PartnerFileException {
      line++;
      if (text.isBlank()) {
        return false;
      }
      List<String> got = split(text);
      if (got.size() != header.size()) {
        throw new PartnerFileException(
            file, line, null, header.size() + " fields expected, " + got.size() + " found");
      }
      for (int i = 0; i < values.length; i++) {
        values[i] = got.get(i).trim();
      }
      return true;
    }

    private List<String> split(String text) throws PartnerFileException {
      List<String> out = new ArrayList<>(header.size());
      StringBuilder cur = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"') {
            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
              cur.append('"');
              i++;
            } else {
              quoted = false;
            }
          } else {
            cur.append(c);
          }
        } else if (c == ',') {
          out.add(cur.toString());
          cur.setLength(0);
        } else if (c == '"' && cur.length() == 0) {
          quoted = true;
        } else {
          cur.append(c);
        }
      }
      if (quoted) {
        throw new PartnerFileException(file, line, null, "a quoted field is not closed");
      }
      out.add(cur.toString());
      return out;
    }

    PartnerFileException problemAt(int atLine, String column, String text) {
      return new PartnerFileException(
          file,
          atLine,
          column == null ? null : (index.get(column) + 1) + " (" + column + ")",
          text);
    }

    PartnerFileException problem(String column, String text) {
      return new PartnerFileException(
          file, line, column == null ? null : (index.get(column) + 1) + " (" + column + ")", text);
    }

    String value(String column) {
      return values[index.get(column)];
    }

    String required(String column) throws PartnerFileException {
      String v = value(column);
      if (v.isEmpty()) {
        throw problem(column, column + " is required");
      }
      return v;
    }

    String oneOf(String column, Set<String> allowed) throws PartnerFileException {
      String v = required(column);
      if (!allowed.contains(v)) {
        throw problem(
            column,
            column + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
      }
      return v;
    }

    String product(String column) throws PartnerFileException {
      String v = required(column);
      try {
        SettlementProduct.valueOf(v);
        return v;
      } catch (IllegalArgumentException e) {
        throw problem(
            column, "unknown product (VOICE_TERM_MOBILE, VOICE_TERM_FIXED, VOICE_INTL, SMS_TERM)");
      }
    }

    String matching(String column, Pattern p, String what) throws PartnerFileException {
      String v = required(column);
      if (!p.matcher(v).matches()) {
        throw problem(column, column + " must be " + what);
      }
      return v;
    }

    LocalDate date(String column) throws PartnerFileException {
      String v = required(column);
      try {
        return LocalDate.parse(v);
      } catch (DateTimeParseException e) {
        throw problem(column, column + " must be a date YYYY-MM-DD");
      }
    }

    Instant instant(String column) throws PartnerFileException {
      String v = required(column);
      Instant plain = plainUtc(v);
      if (plain != null) {
        return plain;
      }
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e) {
        throw problem(
            column, column + " must be ISO-8601 with an offset, e.g. 2026-07-01T08:00:00Z");
      }
    }

    long count(String column) throws PartnerFileException {
      return Long.parseLong(matching(column, COUNT, "a whole number, 0 or more"));
    }

    BigDecimal decimal(String column, boolean mayBeNegative) throws PartnerFileException {
      String v = matching(column, DECIMAL, "a decimal with a point and at most 6 decimals");
      BigDecimal d = new BigDecimal(v);
      if (!mayBeNegative && d.signum() < 0) {
        throw problem(column, column + " cannot be negative");
      }
      return d;
    }

    /** Normalised as mediation normalises; the value itself never goes into a message. */
    String number(String column, NumberNormaliser numbers, boolean required)
        throws PartnerFileException {
      String v = value(column);
      if (v.isEmpty()) {
        if (required) {
          throw problem(column, column + " is required");
        }
        return null;
      }
      // e164 skips libphonenumber for plain Norwegian numbers, the bulk of a partner's file.
      String e164 = numbers.e164(v);
      if (e164 == null) {
        NormalisedNumber n = numbers.normalise(v);
        throw problem(column, column + " is not a phone number (" + n.badReason() + ")");
      }
      return e164;
    }
  }
}
