package org.cdrflow.rerating;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RerateRunTest {

  @Test
  void everySelectedSubscriptionIsInExactlyOneRangeOfAboutEqualSize() {
    List<String> subscriptions =
        IntStream.range(0, 10_001).mapToObj(i -> String.format("SUB-%06d", i)).toList();
    List<String[]> ranges = RerateRun.ranges(subscriptions, 3);
    assertThat(ranges).hasSize(3);
    List<String> all = new ArrayList<>();
    ranges.forEach(r -> all.addAll(Arrays.asList(r)));
    assertThat(all).isEqualTo(subscriptions);
    assertThat(ranges).allSatisfy(r -> assertThat(r.length).isBetween(3_333, 3_334));
  }

  @Test
  void fewerSubscriptionsThanTasksGiveNoEmptyRange() {
    assertThat(RerateRun.ranges(List.of("SUB-1"), 2)).hasSize(1);
    assertThat(RerateRun.ranges(List.of(), 2)).isEmpty();
  }

  @Test
  void rangeQueriesAreMergedInTheOrderOfCollateC() {
    // PostgreSQL's "C" collation orders by the bytes of UTF-8: by code point.
    assertThat(ShadowStore.compareIds("SUB-10", "SUB-9")).isNegative();
    assertThat(ShadowStore.compareIds("SUB-Z", "SUB-a")).isNegative();
    assertThat(ShadowStore.compareIds("SUB-1", "SUB-10")).isNegative();
    assertThat(ShadowStore.compareIds("SUB-\uFFFD", "SUB-\uD83D\uDE00")).isNegative();
    assertThat(ShadowStore.compareIds("SUB-1", "SUB-1")).isZero();
  }
}
