package org.cdrflow.reconciliation;

import java.nio.file.Path;

/** A partner file that is refused: names the file, the line and the column (1-based). */
public class PartnerFileException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final String column;

  public PartnerFileException(Path file, int line, String column, String problem) {
    super(
        file.getFileName()
            + ": line "
            + line
            + (column == null ? "" : ", column " + column)
            + ": "
            + problem);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public String column() {
    return column;
  }
}
