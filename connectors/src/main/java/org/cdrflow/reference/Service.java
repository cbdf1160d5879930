package org.cdrflow.reference;

/** What a rate prices: per minute, per message or per megabyte. */
public enum Service {
  VOICE,
  SMS,
  DATA
}
