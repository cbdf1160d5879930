package org.cdrflow.it.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PromQL syntax check that guards the chart's alert rules and dashboard. */
class PromQlTest {
  @Test
  void validExpressionsParseAndNameTheirMetrics() {
    Object[][] cases = {
      {"up", Set.of("up")},
      {"max by (job_name) (a_total) > 0", Set.of("a_total")},
      {
        "sum(rate(x{a=\"b\", c=~\"d.*\"}[5m])) by (a) / sum(rate(y[$__rate_interval]))",
        Set.of("x", "y")
      },
      {"increase(a[15m]) > 1 and on () b == bool 0", Set.of("a", "b")},
      {"deriv(sum by (j) (p)[15m:1m]) > 0", Set.of("p")},
      {
        "day_of_month() >= 5 and on () ((time() - max(m)) > (day_of_month() + 1) * 86400)",
        Set.of("m")
      },
      {"-a offset 5m + 2.5e3 - b unless c", Set.of("a", "b", "c")},
      {"a * on (x) group_left (y) b", Set.of("a", "b")},
      {"histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))", Set.of("h_bucket")},
      {"topk(3, a) or vector(0)", Set.of("a")},
    };
    for (Object[] c : cases) {
      assertEquals(c[1], PromQl.metricNames((String) c[0]), (String) c[0]);
    }
  }

  @Test
  void brokenExpressionsAreRefused() {
    for (String broken :
        List.of(
            "rate(x[5m]",
            "sum(rate(x[5 m]))",
            "raet(x[5m])",
            "x{a=b}",
            "x{a=\"b\"",
            "x >",
            "max by job (x)",
            "x[5m:1]",
            "x ) ",
            "x{a~\"b\"}")) {
      assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames(broken), broken);
    }
  }
}
