package org.cdrflow.reconciliation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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

  /** Bytes of the per-call file read and parsed at a time (a block ends at a line's end). */
  static final int BLOCK_BYTES = 64 << 20;

  /**
   * Reads the per-call file. It is read in blocks of bytes; each block's lines are parsed and their
   * numbers normalised in chunks on all cores (docs/benchmarks.md, "Reconciliation") while its
   * SHA-256 is summed; the call ids are then checked in file order, so the problem reported is the
   * first in the file, as a reading line by line would report it. A line of the usual form (ASCII,
   * no quotes or spaces, starts as {@code …Z}) is parsed from its bytes ({@link #plainCall}); any
   * other line, and any line with a problem, goes through the general parser, which gives the same
   * call or reports the problem.
   */
  public static Calls readCalls(Path file, YearMonth month)
      throws IOException, PartnerFileException {
    return readCalls(file, month, BLOCK_BYTES);
  }

  static Calls readCalls(Path file, YearMonth month, int blockBytes)
      throws IOException, PartnerFileException {
    CallContext cx = new CallContext(file, month);
    MessageDigest md = sha256Digest();
    List<PartnerCall> calls = new ArrayList<>();
    Map<String, Integer> seen = null;
    PartnerFileException problem = null;
    // The number of the last line read (the header is line 1).
    int line = 0;
    byte[] buf = new byte[blockBytes];
    int carry = 0;
    try (InputStream in = Files.newInputStream(file)) {
      boolean eof = false;
      while (!eof) {
        if (carry == buf.length) {
          buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a line longer than a block
        }
        int n = in.readNBytes(buf, carry, buf.length - carry);
        eof = n < buf.length - carry;
        byte[] block = buf;
        int from = carry;
        java.util.concurrent.CompletableFuture<Void> summed =
            java.util.concurrent.CompletableFuture.runAsync(() -> md.update(block, from, n));
        int end = carry + n;
        // Whole lines only: up to the last '\n' (a "\r\n" never splits), all at the end of the
        // file.
        int cut = end;
        if (!eof) {
          cut = lastNewline(buf, end);
          if (cut < 0) {
            summed.join();
            carry = end;
            continue;
          }
          cut++;
        }
        Lines lines = Lines.of(buf, cut);
        int first = 0;
        if (line == 0) {
          // The header: decoded as text (a byte-order mark allowed), an empty file has none.
          String header = lines.size() == 0 ? null : lines.text(0);
          new Fields(file, CDR_HEADER).header(header);
          first = 1;
        }
        int base = line + 1; // lines.get(i) is line base + i
        if (problem == null) {
          int count = lines.size() - first;
          int chunks = (count + CHUNK_LINES - 1) / CHUNK_LINES;
          int offset = first;
          List<CallChunk> parsed =
              IntStream.range(0, chunks)
                  .parallel()
                  .mapToObj(k -> CallChunk.parse(cx, lines, offset, k, base))
                  .toList();
          summed.join();
          for (CallChunk chunk : parsed) {
            if (chunk.malformed != null) {
              throw chunk.malformed;
            }
          }
          if (seen == null) {
            // Sized for the first block's lines: no rehashing of the call ids in most files.
            seen = new HashMap<>(Math.max(16, lines.size() * 4 / 3 + 1));
            calls = new ArrayList<>(lines.size());
          }
          problem = collect(parsed, calls, seen);
        } else {
          // After the first problem the rest is only checked for what a line-by-line reading would
          // refuse before any field: bytes that are not UTF-8.
          summed.join();
          lines.checkText(first);
        }
        line = base + lines.size() - 1;
        System.arraycopy(buf, cut, buf, 0, end - cut);
        carry = end - cut;
      }
    }
    if (problem != null) {
      throw problem;
    }
    return new Calls(calls, HexFormat.of().formatHex(md.digest()));
  }

  /** Adds the chunks' calls in file order; the first problem of the file, or null. */
  private static PartnerFileException collect(
      List<CallChunk> parsed, List<PartnerCall> calls, Map<String, Integer> seen) {
    for (CallChunk chunk : parsed) {
      for (PartnerCall call : chunk.calls) {
        Integer earlier = seen.putIfAbsent(call.callId(), call.line());
        if (earlier != null) {
          return chunk.fields.problemAt(
              call.line(), "call_id", "call id already on line " + earlier);
        }
        calls.add(call);
      }
      if (chunk.problem != null) {
        Integer earlier = chunk.problemCallId == null ? null : seen.get(chunk.problemCallId);
        if (earlier != null) {
          return chunk.fields.problemAt(
              chunk.problem.line(), "call_id", "call id already on line " + earlier);
        }
        return chunk.problem;
      }
    }
    return null;
  }

  private static int lastNewline(byte[] buf, int end) {
    for (int i = end - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The lines of a block of bytes, as {@link BufferedReader#readLine} splits them: ended by {@code
   * \n}, {@code \r\n} or {@code \r}; the end of the block ends the last line when it has bytes.
   */
  static final class Lines {
    final byte[] buf;
    private int[] from = new int[1024];
    private int[] to = new int[1024];
    private int size;

    private Lines(byte[] buf) {
      this.buf = buf;
    }

    static Lines of(byte[] buf, int end) {
      Lines lines = new Lines(buf);
      int start = 0;
      for (int i = 0; i < end; i++) {
        byte b = buf[i];
        if (b == '\n' || b == '\r') {
          lines.add(start, i);
          if (b == '\r' && i + 1 < end && buf[i + 1] == '\n') {
            i++;
          }
          start = i + 1;
        }
      }
      if (start < end) {
        lines.add(start, end);
      }
      return lines;
    }

    private void add(int f, int t) {
      if (size == from.length) {
        from = java.util.Arrays.copyOf(from, size * 2);
        to = java.util.Arrays.copyOf(to, size * 2);
      }
      from[size] = f;
      to[size] = t;
      size++;
    }

    int size() {
      return size;
    }

    int from(int i) {
      return from[i];
    }

    int to(int i) {
      return to[i];
    }

    /** Line {@code i} as text; bytes that are not UTF-8 refuse it as a line reader would. */
    String text(int i) throws CharacterCodingException {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(buf, from[i], to[i] - from[i]))
          .toString();
    }

    /** Checks that lines from {@code first} on are UTF-8. */
    void checkText(int first) throws CharacterCodingException {
      for (int i = first; i < size; i++) {
        for (int p = from[i]; p < to[i]; p++) {
          if (buf[p] < 0) {
            text(i);
            break;
          }
        }
      }
    }
  }

  /** What every line of a per-call file is checked against. */
  private static final class CallContext {
    final Path file;
    final YearMonth month;
    final NumberNormaliser numbers = NumberNormaliser.shared();
    final Instant from;
    final Instant to;

    CallContext(Path file, YearMonth month) {
      this.file = file;
      this.month = month;
      from = month.atDay(1).atStartOfDay(OSLO).toInstant().minusSeconds(86_400);
      to = month.plusMonths(1).atDay(1).atStartOfDay(OSLO).toInstant().plusSeconds(86_400);
    }
  }

  /** One chunk of lines parsed: its calls up to the first problem, and that problem. */
  private static final class CallChunk {
    final Fields fields;
    final List<PartnerCall> calls = new ArrayList<>(CHUNK_LINES);
    PartnerFileException problem;

    /** The call id of the line with the problem, when the problem came after reading it. */
    String problemCallId;

    /** Bytes that are not UTF-8 in one of the chunk's lines: refuses the file before anything. */
    CharacterCodingException malformed;

    private CallChunk(Fields fields) {
      this.fields = fields;
    }

    static CallChunk parse(CallContext cx, Lines lines, int offset, int k, int base) {
      Fields f = new Fields(cx.file, CDR_HEADER);
      CallChunk chunk = new CallChunk(f);
      int first = offset + k * CHUNK_LINES;
      int last = Math.min(lines.size(), first + CHUNK_LINES);
      int i = first;
      try {
        for (; i < last; i++) {
          int line = base + i;
          int from = lines.from(i);
          int to = lines.to(i);
          if (from == to) {
            continue; // an empty line
          }
          PartnerCall call = plainCall(lines.buf, from, to, line, cx);
          if (call == null) {
            f.line = line - 1;
            chunk.problemCallId = null;
            call = chunk.general(lines.text(i), cx);
          }
          if (call != null) {
            chunk.calls.add(call);
          }
        }
      } catch (PartnerFileException e) {
        chunk.problem = e;
        // A line reader would have refused bytes that are not UTF-8 anywhere before this.
        try {
          lines.checkText(i + 1);
        } catch (CharacterCodingException bad) {
          chunk.malformed = bad;
        }
      } catch (CharacterCodingException e) {
        chunk.malformed = e;
      }
      return chunk;
    }

    /** The general parser of a line: null for a blank line. */
    private PartnerCall general(String text, CallContext cx) throws PartnerFileException {
      Fields f = fields;
      if (!f.next(text)) {
        return null;
      }
      String callId = f.required("call_id");
      problemCallId = callId;
      String a = f.number("a_number", cx.numbers, false);
      String b = f.number("b_number", cx.numbers, true);
      Instant start = f.instant("start");
      if (start.isBefore(cx.from) || !start.isBefore(cx.to)) {
        throw f.problem("start", "start is more than a day outside " + cx.month);
      }
      long seconds = f.count("duration_s");
      String direction = f.oneOf("direction", DIRECTIONS);
      String product = f.product("product");
      BigDecimal amount = f.decimal("amount", true);
      problemCallId = null;
      return new PartnerCall(f.line, callId, a, b, start, seconds, direction, product, amount);
    }
  }

  /** The general parser on one line of text (line {@code line}): for the tests. */
  static PartnerCall generalCall(Path file, YearMonth month, String text, int line)
      throws PartnerFileException {
    CallChunk chunk = new CallChunk(new Fields(file, CDR_HEADER));
    chunk.fields.line = line - 1;
    return chunk.general(text, new CallContext(file, month));
  }

  /** {@link #plainCall} on one line of text: for the tests. */
  static PartnerCall plainCall(Path file, YearMonth month, String text, int line) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return plainCall(b, 0, b.length, line, new CallContext(file, month));
  }

  private static final byte[][] PRODUCTS;

  static {
    SettlementProduct[] values = SettlementProduct.values();
    PRODUCTS = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      PRODUCTS[i] = values[i].name().getBytes(StandardCharsets.US_ASCII);
    }
  }

  /**
   * A line of the usual form parsed from its bytes, without splitting it into strings or regular
   * expressions: printable ASCII without quotes or spaces, eight fields, numbers that {@link
   * NumberNormaliser#e164} takes, a start of the form {@code 2026-10-01T10:00:03Z} within the
   * month, a whole duration, {@code IN} or {@code OUT}, a known product and an amount of at most 12
   * digits and 6 decimals. Null for any other line, and for any line with a problem: the general
   * parser then reads it (and gives the same call, which the tests check, or the problem).
   */
  static PartnerCall plainCall(byte[] buf, int from, int to, int line, CallContext cx) {
    int[] comma = new int[7];
    int commas = 0;
    for (int p = from; p < to; p++) {
      byte c = buf[p];
      if (c == ',') {
        if (commas == 7) {
          return null;
        }
        comma[commas++] = p;
      } else if (c <= ' ' || c == '"' || c > '~') {
        return null; // spaces (trimmed), quotes, control characters, anything not ASCII
      }
    }
    if (commas != 7) {
      return null;
    }
    // call_id
    if (comma[0] == from) {
      return null;
    }
    String callId = ascii(buf, from, comma[0]);
    // a_number (empty: withheld), b_number
    String a = null;
    if (comma[1] > comma[0] + 1) {
      a = cx.numbers.e164(ascii(buf, comma[0] + 1, comma[1]));
      if (a == null) {
        return null;
      }
    }
    if (comma[2] == comma[1] + 1) {
      return null;
    }
    String b = cx.numbers.e164(ascii(buf, comma[1] + 1, comma[2]));
    if (b == null) {
      return null;
    }
    // start
    if (comma[3] - comma[2] - 1 != 20) {
      return null;
    }
    Instant start = plainUtc(ascii(buf, comma[2] + 1, comma[3]));
    if (start == null || start.isBefore(cx.from) || !start.isBefore(cx.to)) {
      return null;
    }
    // duration_s
    int p = comma[3] + 1;
    int len = comma[4] - p;
    if (len < 1 || len > 12) {
      return null;
    }
    long seconds = 0;
    for (int i = p; i < comma[4]; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      seconds = seconds * 10 + d;
    }
    // direction
    p = comma[4] + 1;
    len = comma[5] - p;
    String direction;
    if (len == 2 && buf[p] == 'I' && buf[p + 1] == 'N') {
      direction = "IN";
    } else if (len == 3 && buf[p] == 'O' && buf[p + 1] == 'U' && buf[p + 2] == 'T') {
      direction = "OUT";
    } else {
      return null;
    }
    // product
    p = comma[5] + 1;
    String product = null;
    for (int k = 0; k < PRODUCTS.length && product == null; k++) {
      if (java.util.Arrays.equals(buf, p, comma[6], PRODUCTS[k], 0, PRODUCTS[k].length)) {
        product = SettlementProduct.values()[k].name();
      }
    }
    if (product == null) {
      return null;
    }
    // amount: -?[0-9]{1,12}(\.[0-9]{1,6})?
    p = comma[6] + 1;
    boolean negative = p < to && buf[p] == '-';
    if (negative) {
      p++;
    }
    long unscaled = 0;
    int whole = 0;
    while (p < to && buf[p] >= '0' && buf[p] <= '9') {
      unscaled = unscaled * 10 + (buf[p++] - '0');
      whole++;
    }
    if (whole < 1 || whole > 12) {
      return null;
    }
    int scale = 0;
    if (p < to) {
      if (buf[p++] != '.') {
        return null;
      }
      while (p < to && buf[p] >= '0' && buf[p] <= '9') {
        unscaled = unscaled * 10 + (buf[p++] - '0');
        scale++;
      }
      if (scale < 1 || scale > 6 || p < to) {
        return null;
      }
    }
    BigDecimal amount = BigDecimal.valueOf(negative ? -unscaled : unscaled, scale);
    return new PartnerCall(line, callId, a, b, start, seconds, direction, product, amount);
  }

  /** Printable ASCII bytes as a string (one byte a character). */
  private static String ascii(byte[] buf, int from, int to) {
    return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
