package org.cdrflow.generate;

import java.time.ZonedDateTime;

/**
 * Spreads events over the feed's days with the daily rhythm of a mobile network: quiet at night, a
 * morning rise, busy through the working day and the evening (local hours in Europe/Oslo, so the
 * autumn and spring clock changes give a 25- and a 23-hour day). {@link #millisAt(double)} maps a
 * fraction of the feed's total traffic to the instant by which that much traffic has happened, so
 * increasing fractions give increasing instants.
 */
final class TimeAxis {

  /** Relative traffic per local hour of the day, 00–23. */
  private static final double[] HOUR_WEIGHT = {
    2.0, 1.2, 0.8, 0.6, 0.6, 1.0, 2.5, 5.0, 7.5, 8.5, 9.0, 9.0, 9.5, 9.0, 9.0, 9.0, 9.5, 10.0, 9.5,
    9.0, 8.0, 6.5, 4.5, 3.0
  };

  private final long[] hourStart;
  private final double[] cumulative;
  private final double total;
  private int cursor;

  TimeAxis(GeneratorSettings settings) {
    ZonedDateTime from = settings.start().atStartOfDay(GeneratorSettings.OSLO);
    ZonedDateTime to =
        settings.start().plusDays(settings.days()).atStartOfDay(GeneratorSettings.OSLO);
    int hours = 0;
    for (ZonedDateTime z = from; z.isBefore(to); z = z.plusHours(1)) {
      hours++;
    }
    hourStart = new long[hours + 1];
    cumulative = new double[hours + 1];
    int h = 0;
    double sum = 0;
    for (ZonedDateTime z = from; z.isBefore(to); z = z.plusHours(1)) {
      hourStart[h] = z.toInstant().toEpochMilli();
      cumulative[h] = sum;
      sum += HOUR_WEIGHT[z.getHour()];
      h++;
    }
    hourStart[hours] = to.toInstant().toEpochMilli();
    cumulative[hours] = sum;
    total = sum;
  }

  /**
   * The instant at {@code fraction} (0 ≤ fraction < 1) of the traffic. Calls must come with
   * fractions that never decrease: the search resumes where the last one ended.
   */
  long millisAt(double fraction) {
    double target = Math.min(fraction, 1.0) * total;
    int last = hourStart.length - 2;
    while (cursor < last && cumulative[cursor + 1] <= target) {
      cursor++;
    }
    double within = (target - cumulative[cursor]) / (cumulative[cursor + 1] - cumulative[cursor]);
    long span = hourStart[cursor + 1] - hourStart[cursor];
    long t = hourStart[cursor] + (long) (within * span);
    return Math.min(t, hourStart[cursor + 1] - 1);
  }

  long startMillis() {
    return hourStart[0];
  }

  long endMillis() {
    return hourStart[hourStart.length - 1];
  }
}
