package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * What reaches the period readiness step from the rater (docs/interfaces.md, "Period readiness"):
 * watermarks, and at the end of input the latest event time rated ahead of it, so that a drain
 * preceded by no event-time watermark still tells the step how far event time got.
 */
class LastRatedEventTimeTest {
  @Test
  void theLatestRatedTimeGoesAheadOfTheEndOfInputWatermark() throws Exception {
    try (var h = new OneInputStreamOperatorTestHarness<String, Long>(new LastRatedEventTime<>())) {
      h.open();
      h.processElement(new StreamRecord<>("sep", 1_790_000_000_000L));
      h.processElement(new StreamRecord<>("oct", 1_790_500_000_000L));
      h.processElement(new StreamRecord<>("late-sep", 1_790_100_000_000L));
      h.processWatermark(new Watermark(1_790_000_000_000L));
      h.processWatermark(Watermark.MAX_WATERMARK);

      List<Object> out = new ArrayList<>(h.getOutput());
      assertEquals(3, out.size(), out.toString());
      assertEquals(new Watermark(1_790_000_000_000L), out.get(0), "lines are dropped");
      assertEquals(new StreamRecord<>(1_790_500_000_000L, 1_790_500_000_000L), out.get(1));
      assertEquals(Watermark.MAX_WATERMARK, out.get(2));
    }
  }

  @Test
  void nothingRatedSendsOnlyTheWatermark() throws Exception {
    try (var h = new OneInputStreamOperatorTestHarness<String, Long>(new LastRatedEventTime<>())) {
      h.open();
      h.processWatermark(Watermark.MAX_WATERMARK);
      assertEquals(List.of(Watermark.MAX_WATERMARK), new ArrayList<>(h.getOutput()));
    }
  }
}
