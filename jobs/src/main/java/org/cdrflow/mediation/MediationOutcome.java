package org.cdrflow.mediation;

import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.RejectReason;

/**
 * What mediation makes of one raw record: an event to assemble and rate, an unanswered call
 * (counted, not kept: data minimisation), or a reject with a reason and a detail that names the
 * field and never the subscriber's number.
 */
public sealed interface MediationOutcome {
  record Mediated(MediatedCall call) implements MediationOutcome {}

  record Unanswered() implements MediationOutcome {}

  /**
   * @param keepPayload false when the original bytes must not be stored (events older than the
   *     anonymisation cutoff: keeping them would re-create what was anonymised)
   */
  record Rejected(RejectReason reason, String detail, Long eventTime, boolean keepPayload)
      implements MediationOutcome {}
}
