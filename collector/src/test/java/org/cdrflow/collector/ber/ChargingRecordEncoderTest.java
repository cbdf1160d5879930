package org.cdrflow.collector.ber;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;

/** What {@code generate --format ber} writes, the collector reads back as it was. */
class ChargingRecordEncoderTest {

  @Test
  void everyKindOfRecordRoundTrips() {
    ChargingRecordEncoder encoder = new ChargingRecordEncoder(ZoneId.of("Europe/Oslo"));
    SplittableRandom random = new SplittableRandom(22);
    List<RawCdr> written = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      RecordType type = RecordType.values()[i % RecordType.values().length];
      RawCdr c = SampleCdrs.of(type, i, random);
      if (type == RecordType.DATA || type.name().startsWith("SMS")) {
        c.setNetworkElement("MSC-OSL-1"); // one node per file
      }
      written.add(c);
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (RawCdr c : written) {
      file.writeBytes(encoder.encode(c));
    }
    ChargingFile decoded =
        new ChargingFileDecoder().decode("MSC-OSL-1_-_1.ber", file.toByteArray(), false);
    assertEquals(List.of(), decoded.rejections());
    for (int i = 0; i < written.size(); i++) {
      RawCdr expected = written.get(i);
      RawCdr actual = decoded.records().get(i).cdr();
      if (expected.getRecordType() == RecordType.SMS_MO) {
        expected.setInTrunk(null); // an SMS sent has no incoming trunk
      }
      assertEquals(expected, actual, "record " + i);
    }
  }
}
