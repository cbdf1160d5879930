package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.codec.CdrFeedWriter;
import org.junit.jupiter.api.Test;

/**
 * No subscriber number, IMSI or other party's number reaches a log line of a run
 * (docs/operations.md: logs hold no numbers): a replay of the smoke feed plus records with
 * distinctive numbers, rated and rejected ones, with every logger at INFO and cdrflow's at DEBUG,
 * then every captured line, what the command printed, the Kafka broker's log and the PostgreSQL
 * server's log are searched for each number in every raw form.
 */
class LogPrivacyIT {
  private static final Path SMOKE = Path.of("..", "examples", "smoke", "feed.jsonl");
  private static final Path REFERENCE = Path.of("..", "examples", "reference");
  private static final Instant T = Instant.parse("2026-11-03T10:00:00Z");

  /** SUB-0004 of examples/reference and its IMSI. */
  private static final String SUBSCRIBER = "+4792000104";

  private static final String IMSI = "242770000000104";

  /** Numbers of the smoke feed. */
  private static final List<String> SMOKE_NUMBERS =
      List.of("+4791000101", "+4799999999", "+4745000000", "+4722000000");

  @Test
  void noNumberOrImsiIsWrittenToAnyLog() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "log-privacy-");
    Path work = base.resolve("work");
    Path export = base.resolve("export");
    Path feed = base.resolve("feed.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(SMOKE, StandardCharsets.UTF_8));
    for (RawCdr r : records()) {
      lines.add(CdrFeedWriter.toJsonLine(r));
    }
    Files.write(feed, lines, StandardCharsets.UTF_8);

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    int exit;
    List<String> logLines;
    try (CapturedLog log = CapturedLog.start(Map.of("", Level.INFO, "org.cdrflow", Level.DEBUG))) {
      System.setOut(new PrintStream(tee(out, printed), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(tee(err, printed), true, StandardCharsets.UTF_8));
      try {
        exit =
            Cdrflow.run(
                "replay",
                "--reference",
                REFERENCE.toString(),
                "--input",
                feed.toString(),
                "--workdir",
                work.toString(),
                "--export",
                export.toString());
      } finally {
        System.setOut(out);
        System.setErr(err);
      }
      logLines = log.lines();
    }
    assertEquals(0, exit);

    // The numbers went all the way through: rated, settled and rejected rows hold them.
    String invoiceLines = Files.readString(export.resolve("invoice_line.csv"));
    assertTrue(invoiceLines.contains(SUBSCRIBER) && invoiceLines.contains(IMSI), "rated");
    assertTrue(invoiceLines.contains("+4915112345678"), "the foreign call was rated");
    String rejects = Files.readString(export.resolve("rejected_cdr.csv"));
    for (String reason : List.of("BAD_NUMBER", "UNKNOWN_SUBSCRIBER", "BAD_VALUE", "UNDECODABLE")) {
      assertTrue(rejects.contains(reason), reason + " among the rejects");
    }
    // The capture works: cdrflow's, Flink's and Kafka's own lines are in it.
    assertTrue(logLines.stream().anyMatch(l -> l.contains("org.cdrflow.")), "cdrflow logged");
    assertTrue(logLines.stream().anyMatch(l -> l.contains("org.apache.flink.")), "Flink logged");
    assertTrue(logLines.stream().anyMatch(l -> l.contains("org.apache.kafka.")), "Kafka logged");

    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("log line", String.join("", logLines));
    texts.put("command output", printed.toString(StandardCharsets.UTF_8));
    texts.put("broker.log", read(work.resolve("kafka").resolve("broker.log")));
    texts.put("postgres server.log", read(work.resolve("postgres").resolve("server.log")));
    Set<String> forms = forms();
    for (Map.Entry<String, String> t : texts.entrySet()) {
      for (String form : forms) {
        int at = t.getValue().indexOf(form);
        assertTrue(
            at < 0,
            () ->
                t.getKey()
                    + " holds the number "
                    + form
                    + ": "
                    + t.getValue()
                        .substring(
                            Math.max(0, at - 200), Math.min(t.getValue().length(), at + 50)));
      }
    }
  }

  /** Records with distinctive numbers: rated, settled, partial, duplicate and rejected. */
  private static List<RawCdr> records() {
    List<RawCdr> r = new ArrayList<>();
    // rated, in every raw form of the served number, with the IMSI
    r.add(call("LP01", RecordType.MOC, SUBSCRIBER, null, "+4745987321", 0).build());
    r.add(call("LP02", RecordType.SMS_MO, "004792000104", null, "004747321987", 1).build());
    r.add(
        call("LP03", RecordType.MTC, "4792000104", "4746789012", SUBSCRIBER, 2)
            .setInTrunk("OSL-OPA-2")
            .build());
    r.add(call("LP04", RecordType.MOC, "92000104", null, "+4915112345678", 3).build());
    r.add(call("LP04", RecordType.MOC, "92000104", null, "+4915112345678", 3).build()); // again
    RawCdr data = call("LP05", RecordType.DATA, SUBSCRIBER, null, null, 4).build();
    data.setUplinkBytes(1_000_000L);
    data.setDownlinkBytes(9_000_000L);
    data.setAnswerTime(null);
    r.add(data);
    // a long call in two partial records
    r.add(
        call("LP06", RecordType.MOC, SUBSCRIBER, null, "+4745987321", 5)
            .setSequenceNumber(1)
            .setLastPartial(false)
            .setDurationSeconds(1800)
            .setCauseForTerm("PARTIAL")
            .build());
    r.add(
        call("LP06", RecordType.MOC, SUBSCRIBER, null, "+4745987321", 35)
            .setSequenceNumber(2)
            .setDurationSeconds(60)
            .build());
    // rejected
    r.add(call("LP07", RecordType.MOC, "+4798765432", null, "+4745987321", 6).build());
    r.add(call("LP08", RecordType.MOC, "+4792000104999999999", null, "+4745987321", 7).build());
    r.add(call("LP09", RecordType.MOC, "9200X104", null, "+4745987321", 8).build());
    r.add(call("LP10", RecordType.MOC, SUBSCRIBER, null, "004745111222333444", 9).build());
    r.add(
        call("LP11", RecordType.MOC, SUBSCRIBER, null, "+4745987321", 10)
            .setServedImsi("24277000000010X")
            .build());
    return r;
  }

  private static RawCdr.Builder call(
      String reference, RecordType type, String served, String calling, String called, int min) {
    Instant at = T.plusSeconds(60L * min);
    boolean voice = type == RecordType.MOC || type == RecordType.MTC;
    return RawCdr.newBuilder()
        .setNetworkElement(voice ? "MSC-OSL-2" : "SMSC-OSL-1")
        .setCallReference(reference)
        .setSequenceNumber(0)
        .setLastPartial(true)
        .setRecordType(type)
        .setServedMsisdn(served)
        .setServedImsi(IMSI)
        .setCallingNumber(calling)
        .setCalledNumber(called)
        .setSeizureTime(voice ? at.minusSeconds(4) : at)
        .setAnswerTime(voice ? at : null)
        .setDurationSeconds(voice ? 75 : type == RecordType.DATA ? 900 : 0)
        .setCauseForTerm("NORMAL");
  }

  /** Every raw form of every number and IMSI the run saw. */
  private static Set<String> forms() {
    Set<String> forms = new LinkedHashSet<>();
    List<String> e164 = new ArrayList<>(SMOKE_NUMBERS);
    e164.addAll(List.of(SUBSCRIBER, "+4745987321", "+4747321987", "+4746789012", "+4798765432"));
    for (String n : e164) {
      String national = n.substring(3);
      forms.addAll(List.of(n, "00" + n.substring(1), n.substring(1), national));
    }
    forms.addAll(List.of("+4915112345678", "004915112345678", "4915112345678", "15112345678"));
    forms.addAll(
        List.of(IMSI, "4792000104999999999", "9200X104", "4745111222333444", "24277000000010X"));
    return forms;
  }

  private static String read(Path file) throws Exception {
    assertTrue(Files.size(file) > 0, file + " is there and was written");
    return Files.readString(file, StandardCharsets.ISO_8859_1);
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int c) throws java.io.IOException {
        a.write(c);
        b.write(c);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws java.io.IOException {
        a.write(buf, off, len);
        b.write(buf, off, len);
      }

      @Override
      public void flush() throws java.io.IOException {
        a.flush();
        b.flush();
      }
    };
  }
}
