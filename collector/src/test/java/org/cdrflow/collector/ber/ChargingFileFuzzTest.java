package org.cdrflow.collector.ber;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;

/**
 * 100,000 mutated files (bytes flipped, inserted, deleted, files cut off, records repeated): the
 * decoder never throws, every byte of every file is in exactly one decoded record, rejected record,
 * filler or incomplete tail, every rejection has its index and offset, and the records before the
 * damage come out as they went in.
 */
class ChargingFileFuzzTest {

  private static final int FILES = 100_000;
  private static final int RECORDS_PER_FILE = 5;

  @Test
  void mutatedFilesNeverCrashTheDecoderAndLoseNothing() {
    SplittableRandom random = new SplittableRandom(32298);
    ChargingRecordEncoder encoder = new ChargingRecordEncoder(ZoneId.of("Europe/Oslo"));
    // A pool of well-formed records; each file is a few of them.
    int poolSize = 512;
    byte[][] pool = new byte[poolSize][];
    for (int i = 0; i < poolSize; i++) {
      RecordType type = RecordType.values()[i % RecordType.values().length];
      RawCdr c = SampleCdrs.of(type, i, random);
      c.setNetworkElement("MSC-OSL-1");
      pool[i] = encoder.encode(c);
    }
    ChargingFileDecoder decoder = new ChargingFileDecoder();
    long intactBefore = 0;
    long recoveredBefore = 0;
    long intactAfter = 0;
    long recoveredAfter = 0;
    long rejected = 0;
    long incomplete = 0;
    for (int f = 0; f < FILES; f++) {
      int[] picks = new int[RECORDS_PER_FILE];
      int[] starts = new int[RECORDS_PER_FILE + 1];
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < picks.length; i++) {
        picks[i] = random.nextInt(poolSize);
        starts[i] = out.size();
        out.writeBytes(pool[picks[i]]);
      }
      starts[picks.length] = out.size();
      byte[] original = out.toByteArray();
      Mutation m = mutate(original, random);
      boolean released = random.nextInt(4) == 0;
      ChargingFile decoded;
      try {
        decoded = decoder.decode("MSC-OSL-1_-_" + f + ".ber", m.bytes, released);
      } catch (RuntimeException e) {
        throw new AssertionError("file " + f + " (" + m.kind + ") made the decoder throw", e);
      }
      assertAccountedFor(decoded, m.bytes.length, f);
      assertTrue(released ? decoded.complete() : true, "a released file is complete");
      rejected += decoded.rejections().size();
      incomplete += decoded.complete() ? 0 : 1;
      // Records wholly before the first changed byte decode as they did.
      for (int i = 0; i < picks.length; i++) {
        if (starts[i + 1] <= m.firstChanged) {
          intactBefore++;
          if (decodedAt(decoded, starts[i], starts[i + 1] - starts[i])) {
            recoveredBefore++;
          }
        } else if (m.kind == Kind.FLIP && starts[i] > m.firstChanged) {
          intactAfter++;
          if (decodedAt(decoded, starts[i], starts[i + 1] - starts[i])) {
            recoveredAfter++;
          }
        }
      }
    }
    assertEquals(intactBefore, recoveredBefore, "records before the damage");
    // After a flipped byte the decoder finds the next record again; only a flip that makes a
    // plausible longer record out of the broken one costs more.
    assertTrue(
        recoveredAfter >= intactAfter * 0.95,
        "records after a flipped byte: " + recoveredAfter + " of " + intactAfter);
    assertTrue(rejected > FILES / 4, "the mutations reject records: " + rejected);
    assertTrue(incomplete > 0, "some files are left incomplete");
  }

  /** Every byte is in exactly one record, rejection, filler byte or the incomplete tail. */
  private static void assertAccountedFor(ChargingFile file, int length, int f) {
    List<int[]> spans = new ArrayList<>();
    int index = 0;
    List<Object> all = new ArrayList<>();
    all.addAll(file.records());
    all.addAll(file.rejections());
    all.sort(
        (a, b) ->
            Integer.compare(
                a instanceof ChargingFile.Record r
                    ? r.offset()
                    : ((ChargingFile.Rejection) a).offset(),
                b instanceof ChargingFile.Record r
                    ? r.offset()
                    : ((ChargingFile.Rejection) b).offset()));
    for (Object o : all) {
      int offset;
      int len;
      int idx;
      if (o instanceof ChargingFile.Record r) {
        offset = r.offset();
        len = r.length();
        idx = r.index();
      } else {
        ChargingFile.Rejection r = (ChargingFile.Rejection) o;
        offset = r.offset();
        len = r.length();
        idx = r.index();
        assertTrue(!r.reason().isEmpty(), "a rejection says why");
      }
      assertEquals(index++, idx, "file " + f + ": records are numbered in file order");
      assertTrue(len > 0 && offset >= 0 && offset + len <= length, "file " + f + ": span");
      spans.add(new int[] {offset, len});
    }
    long covered = file.fillerBytes();
    int previousEnd = 0;
    for (int[] s : spans) {
      assertTrue(s[0] >= previousEnd, "file " + f + ": spans do not overlap");
      previousEnd = s[0] + s[1];
      covered += s[1];
    }
    if (!file.complete()) {
      assertTrue(file.incompleteAt() >= previousEnd, "file " + f + ": the tail is last");
      covered += length - file.incompleteAt();
    }
    assertEquals(length, covered, "file " + f + ": every byte accounted for");
  }

  private static boolean decodedAt(ChargingFile file, int offset, int length) {
    for (ChargingFile.Record r : file.records()) {
      if (r.offset() == offset && r.length() == length) {
        return true;
      }
    }
    return false;
  }

  enum Kind {
    FLIP,
    INSERT,
    DELETE,
    CUT,
    REPEAT
  }

  record Mutation(Kind kind, byte[] bytes, int firstChanged) {}

  private static Mutation mutate(byte[] b, SplittableRandom random) {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    int at = random.nextInt(b.length);
    switch (kind) {
      case FLIP -> {
        byte[] m = b.clone();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          m[Math.min(b.length - 1, at + i * random.nextInt(8))] ^= (byte) (1 + random.nextInt(255));
        }
        return new Mutation(kind, m, at);
      }
      case INSERT -> {
        byte[] junk = new byte[1 + random.nextInt(16)];
        random.nextBytes(junk);
        byte[] m = new byte[b.length + junk.length];
        System.arraycopy(b, 0, m, 0, at);
        System.arraycopy(junk, 0, m, at, junk.length);
        System.arraycopy(b, at, m, at + junk.length, b.length - at);
        return new Mutation(kind, m, at);
      }
      case DELETE -> {
        int n = Math.min(b.length - at, 1 + random.nextInt(16));
        byte[] m = new byte[b.length - n];
        System.arraycopy(b, 0, m, 0, at);
        System.arraycopy(b, at + n, m, at, b.length - at - n);
        return new Mutation(kind, m, at);
      }
      case CUT -> {
        return new Mutation(kind, Arrays.copyOf(b, at), at);
      }
      default -> {
        // A run of the file written twice, as a retried write can leave it.
        int n = Math.min(b.length - at, 1 + random.nextInt(200));
        byte[] m = new byte[b.length + n];
        System.arraycopy(b, 0, m, 0, at + n);
        System.arraycopy(b, at, m, at + n, b.length - at);
        return new Mutation(kind, m, at + n);
      }
    }
  }
}
