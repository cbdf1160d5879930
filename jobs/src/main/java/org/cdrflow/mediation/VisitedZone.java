package org.cdrflow.mediation;

/**
 * The visited zone as release 52201b6 kept it inside {@link MediatedCall} in keyed state, before it
 * moved to {@link org.cdrflow.domain.VisitedZone}; read only by {@code cdrflow migrate-state}.
 */
public enum VisitedZone {
  HOME,
  EU,
  WORLD1,
  WORLD2,
  MARITIME;
}
