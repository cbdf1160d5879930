package org.cdrflow.pipeline;

import org.apache.flink.util.OutputTag;

/** The side outputs every stage may write besides its main result. */
public final class Outcomes {
  public static final OutputTag<Rejection> REJECTS = new OutputTag<>("rejects") {};
  public static final OutputTag<AuditEvent> AUDIT = new OutputTag<>("audit") {};

  private Outcomes() {}

  /** Calls held for the watermark and released (raw records), for the audit balance only. */
  public static final OutputTag<AuditEvent> HELD = new OutputTag<>("held-for-watermark") {};
}
