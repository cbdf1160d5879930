package org.cdrflow.domain;

/** Why a record was not rated (docs/mediation.md, "Rejects"). */
public enum RejectReason {
  UNDECODABLE,
  MISSING_FIELD,
  BAD_NUMBER,
  BAD_TIME,
  BAD_VALUE,
  UNKNOWN_SUBSCRIBER,
  TOO_OLD,
  LATE_PARTIAL,
  NO_RATE,
  NO_OPERATOR,
  NO_PARTNER,
  NO_TRANSIT_ROUTE,
  NO_INTERCONNECT_RATE
}
