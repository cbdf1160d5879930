package org.cdrflow.reference;

import org.cdrflow.schema.RecordType;

/** What a rate prices: per minute, per message or per megabyte. */
public enum Service {
  VOICE,
  SMS,
  DATA;

  /** The service a record type is rated as: calls are voice, SMS sent or received are SMS. */
  public static Service of(RecordType type) {
    return switch (type) {
      case MOC, MTC, FWD -> VOICE;
      case SMS_MO, SMS_MT -> SMS;
      case DATA -> DATA;
    };
  }
}
