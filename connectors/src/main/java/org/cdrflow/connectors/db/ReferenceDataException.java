package org.cdrflow.connectors.db;

/**
 * A reference data file could not be loaded; nothing of that file was written.
 *
 * <p>The message names the file, the line (1-based, the header row is line 1), the column and what
 * is wrong, but never the offending value: reference files hold subscriber numbers and IMSIs, and
 * this message ends up in logs. Open the file at the given line to see the value.
 */
public final class ReferenceDataException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final String column;
  private final String problem;

  /**
   * @param file the file name (without directory), e.g. {@code subscription.csv}
   * @param line 1-based line number, 0 when the problem is not tied to one line
   * @param column the column name(s) concerned, or null
   * @param problem what is wrong, without the value
   */
  public ReferenceDataException(String file, long line, String column, String problem) {
    super(format(file, line, column, problem));
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  ReferenceDataException(String file, long line, String column, String problem, Throwable cause) {
    super(format(file, line, column, problem), cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  /** The file name, e.g. {@code subscription.csv}. */
  public String file() {
    return file;
  }

  /** The 1-based line number (header = 1), or 0 when the problem concerns the whole file. */
  public long line() {
    return line;
  }

  /** The column name(s) concerned, or null. */
  public String column() {
    return column;
  }

  /** What is wrong, without file, line and column. */
  public String problem() {
    return problem;
  }

  private static String format(String file, long line, String column, String problem) {
    StringBuilder sb = new StringBuilder(file == null ? "reference data" : file);
    if (line > 0) {
      sb.append(" line ").append(line);
    }
    if (column != null) {
      sb.append(line > 0 ? ", column " : " column ").append(column);
    }
    return sb.append(": ").append(problem).toString();
  }
}
