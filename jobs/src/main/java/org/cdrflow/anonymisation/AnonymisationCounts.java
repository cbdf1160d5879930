package org.cdrflow.anonymisation;

import java.io.Serializable;

/**
 * The counts of one run, as recorded in {@code anonymisation_run} (docs/anonymisation.md, "What the
 * counts mean"). The first three are what this run changed (what it would change, for a dry run);
 * the retained ones are what is still kept after it, and are counted afresh by every run.
 */
public record AnonymisationCounts(
    long linesAnonymised,
    long settlementAnonymised,
    long rejectsPurged,
    long retainedUnpaid,
    long retainedDisputed,
    long retainedNoInvoice)
    implements Serializable {

  public static final AnonymisationCounts NONE = new AnonymisationCounts(0, 0, 0, 0, 0, 0);

  public AnonymisationCounts plus(AnonymisationCounts o) {
    return new AnonymisationCounts(
        linesAnonymised + o.linesAnonymised,
        settlementAnonymised + o.settlementAnonymised,
        rejectsPurged + o.rejectsPurged,
        retainedUnpaid + o.retainedUnpaid,
        retainedDisputed + o.retainedDisputed,
        retainedNoInvoice + o.retainedNoInvoice);
  }

  /** The count of lines with this fate (0 for the fates that are not counted). */
  public long of(LineFate fate) {
    return switch (fate) {
      case ANONYMISE -> linesAnonymised;
      case RETAIN_UNPAID -> retainedUnpaid;
      case RETAIN_DISPUTED -> retainedDisputed;
      case RETAIN_NO_INVOICE -> retainedNoInvoice;
      case NOT_DUE, ALREADY_ANONYMISED -> 0;
    };
  }
}
