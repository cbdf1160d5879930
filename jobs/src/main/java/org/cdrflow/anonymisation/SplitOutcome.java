package org.cdrflow.anonymisation;

import java.io.Serializable;

/** What one committed split changed. */
public record SplitOutcome(Split.Table table, int index, long lines, long settlement, long rejects)
    implements Serializable {}
