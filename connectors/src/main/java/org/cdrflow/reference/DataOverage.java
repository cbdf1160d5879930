package org.cdrflow.reference;

/** What happens when a plan's data allowance is used up (docs/rating.md, data overage). */
public enum DataOverage {
  THROTTLE,
  CHARGE
}
