package org.cdrflow.connectors.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.cdrflow.connectors.db.ReferenceTables.Column;
import org.cdrflow.connectors.db.ReferenceTables.Table;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads reference data from CSV files into PostgreSQL: one file per table, named {@code
 * <table>.csv}, format described in docs/reference-data.md.
 *
 * <p>A directory is loaded in one transaction, each file upserted on the table's primary key:
 * loading the same file twice changes nothing, a changed row is updated, rows absent from the file
 * are kept. A bad row aborts the whole load (nothing of any file is written, not even of the files
 * before it) with a {@link ReferenceDataException} naming file, line and column.
 *
 * <p>How: rows are parsed and checked in Java, sent with JDBC batches into a temporary staging
 * table, checked for duplicate keys, then upserted with one statement. When that statement fails (a
 * foreign key, a unique key), the failing line is found by bisection over savepoints, so the fast
 * path stays a single statement and the reference_version marker moves once per file.
 *
 * <p>No message, log line or exception cause produced here contains a value from a file: subscriber
 * numbers must not reach logs.
 */
public final class ReferenceDataLoader {

  /** The reference tables, in the order {@link #load(Path)} loads them. */
  public static final List<String> TABLES = List.copyOf(ReferenceTables.names());

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceDataLoader.class);
  private static final int BATCH_SIZE = 1000;
  private static final int LOCATE_CHUNK = 10_000;
  private static final String STAGE = "cdrflow_load_stage";
  private static final String POS = "cdrflow_pos";
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final CSVFormat CSV =
      CSVFormat.RFC4180
          .builder()
          .setIgnoreEmptyLines(true)
          .setIgnoreSurroundingSpaces(true)
          .setTrim(true)
          .get();

  private final String jdbcUrl;
  private final String user;
  private final String password;

  public ReferenceDataLoader(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /**
   * Loads every {@code <table>.csv} present in {@code directory}; absent files are skipped. Any
   * other {@code .csv} file is an error (most likely a misspelt table name) and stops the load
   * before anything is written.
   *
   * @return rows loaded per table, in load order
   * @throws ReferenceDataException on the first bad file; nothing of the directory is loaded then
   *     (all its files are one transaction)
   */
  public ReferenceLoadSummary load(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new ReferenceDataException(
          String.valueOf(directory), 0, null, "is not a readable directory");
    }
    Set<String> present;
    try (Stream<Path> files = Files.list(directory)) {
      present =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".csv"))
              .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new ReferenceDataException(
          String.valueOf(directory), 0, null, "cannot be listed: " + e.getMessage(), e);
    }
    Set<String> unknown = new TreeSet<>(present);
    unknown.removeAll(ReferenceTables.fileNames());
    if (!unknown.isEmpty()) {
      throw new ReferenceDataException(
          String.join(", ", unknown),
          0,
          null,
          "not a reference table; expected files are " + String.join(", ", TABLES) + " (.csv)");
    }
    Map<String, Integer> rows = new LinkedHashMap<>();
    try (Connection connection = connect()) {
      // The connection is this loader's own: no need to restore auto-commit afterwards.
      connection.setAutoCommit(false);
      for (Table table : ReferenceTables.ALL) {
        if (present.contains(table.fileName())) {
          rows.put(table.name, loadFile(connection, table, directory.resolve(table.fileName())));
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw connectionFailure(e);
    }
    ReferenceLoadSummary summary = new ReferenceLoadSummary(rows);
    LOG.info("Reference data loaded from {}: {}", directory, summary);
    return summary;
  }

  /**
   * Loads one file; its table is taken from the file name ({@code subscription.csv} → {@code
   * subscription}).
   */
  public ReferenceLoadSummary loadFile(Path file) {
    String fileName = String.valueOf(file.getFileName());
    Table table =
        fileName.endsWith(".csv")
            ? ReferenceTables.byName(fileName.substring(0, fileName.length() - 4))
            : null;
    if (table == null) {
      throw new ReferenceDataException(
          fileName,
          0,
          null,
          "not a reference table; expected one of " + String.join(", ", TABLES) + " (.csv)");
    }
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      int rows = loadFile(connection, table, file);
      connection.commit();
      return new ReferenceLoadSummary(Map.of(table.name, rows));
    } catch (SQLException e) {
      throw connectionFailure(e);
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    // Multi-row INSERTs from JDBC batches: a million rows in seconds, not minutes.
    props.setProperty("reWriteBatchedInserts", "true");
    // Keep parameter values and row details out of driver exception messages.
    props.setProperty("logServerErrorDetail", "false");
    props.setProperty("ApplicationName", "cdrflow-reference-loader");
    return DriverManager.getConnection(jdbcUrl, props);
  }

  private ReferenceDataException connectionFailure(SQLException e) {
    // Connection-level failures carry no file data, so the driver's message and cause are kept.
    return new ReferenceDataException(
        null,
        0,
        null,
        "database error: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")",
        e);
  }

  /**
   * One file, inside the caller's transaction (the caller commits); a failure rolls the whole
   * transaction back.
   */
  private int loadFile(Connection connection, Table table, Path file) throws SQLException {
    long started = System.nanoTime();
    try {
      int rows = new FileLoad(connection, table, file).run();
      LOG.info(
          "Loaded {}: {} rows in {} ms",
          table.fileName(),
          rows,
          (System.nanoTime() - started) / 1_000_000);
      return rows;
    } catch (SQLException | RuntimeException | Error e) {
      try {
        connection.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SQLException) {
        SQLException sql = (SQLException) e;
        if (sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
          throw sql; // the connection is gone: not about the file's data
        }
        if (sql.getSQLState() != null && sql.getSQLState().startsWith("42")) {
          // Privileges or schema (e.g. not migrated): about objects, never about row values.
          throw new ReferenceDataException(
              table.fileName(),
              0,
              null,
              "the database refused the load: "
                  + serverMessage(sql)
                  + " (SQLSTATE "
                  + sql.getSQLState()
                  + ")");
        }
        // Anything else the database says about the data may quote it: state only, no cause.
        throw new ReferenceDataException(
            table.fileName(),
            0,
            null,
            "the database rejected the file (SQLSTATE " + sql.getSQLState() + ")");
      }
      throw e;
    }
  }

  /** The server's primary message only (without detail, hint or statement). */
  private static String serverMessage(SQLException e) {
    if (e instanceof PSQLException && ((PSQLException) e).getServerErrorMessage() != null) {
      return ((PSQLException) e).getServerErrorMessage().getMessage();
    }
    return e.getClass().getSimpleName();
  }

  /** The work on one file inside its transaction. */
  private static final class FileLoad {
    private final Connection connection;
    private final Table table;
    private final Path file;
    private final String fileName;
    private List<Column> header;
    private long[] positions = new long[1024];
    private int rows;

    /** Lines consumed by the records read so far: a malformed record starts after them. */
    private long linesRead;

    FileLoad(Connection connection, Table table, Path file) {
      this.connection = connection;
      this.table = table;
      this.file = file;
      this.fileName = table.fileName();
    }

    int run() throws SQLException {
      stage();
      if (rows == 0) {
        return 0;
      }
      try (Statement st = connection.createStatement()) {
        // Temporary tables are never auto-analysed; the checks below join on the stage.
        st.execute("ANALYZE " + STAGE);
      }
      checkDuplicateKeys();
      checkReferences();
      upsert();
      if (table.name.equals("subscription")) {
        checkSubscriptionOverlaps();
      }
      return rows;
    }

    // ---- reading and staging -------------------------------------------------------------

    private void stage() throws SQLException {
      try (Reader reader = openReader(file);
          CSVParser parser = CSV.parse(reader)) {
        var records = parser.iterator();
        CSVRecord headerRecord;
        try {
          headerRecord = records.hasNext() ? records.next() : null;
        } catch (UncheckedIOException e) {
          throw malformed(e);
        }
        if (headerRecord == null) {
          throw new ReferenceDataException(fileName, 1, null, "the header row is missing");
        }
        linesRead = parser.getCurrentLineNumber();
        header = parseHeader(headerRecord);
        createStage();
        String insert =
            "INSERT INTO "
                + STAGE
                + " ("
                + POS
                + ", "
                + columnList()
                + ") VALUES (?"
                + ", ?".repeat(header.size())
                + ")";
        try (PreparedStatement ps = connection.prepareStatement(insert)) {
          int inBatch = 0;
          while (true) {
            CSVRecord record;
            try {
              if (!records.hasNext()) {
                break;
              }
              record = records.next();
            } catch (UncheckedIOException e) {
              throw malformed(e);
            }
            linesRead = parser.getCurrentLineNumber();
            bind(ps, record);
            ps.addBatch();
            remember(record.getCharacterPosition());
            if (++inBatch == BATCH_SIZE) {
              ps.executeBatch();
              inBatch = 0;
            }
          }
          if (inBatch > 0) {
            ps.executeBatch();
          }
        }
      } catch (CharacterCodingException e) {
        throw notUtf8();
      } catch (IOException e) {
        throw new ReferenceDataException(fileName, 0, null, "cannot be read: " + e.getMessage());
      }
    }

    private ReferenceDataException malformed(UncheckedIOException e) {
      if (e.getCause() instanceof CharacterCodingException) {
        return notUtf8();
      }
      // commons-csv's own message is not used: it is not ours to promise it never quotes data.
      return new ReferenceDataException(
          fileName,
          linesRead + 1,
          null,
          "malformed CSV (unbalanced quotes, or text after a closing quote)");
    }

    private ReferenceDataException notUtf8() {
      return new ReferenceDataException(
          fileName, firstLineNotUtf8(file), null, "is not valid UTF-8 (save the file as UTF-8)");
    }

    private List<Column> parseHeader(CSVRecord record) {
      long line = lineOf(record.getCharacterPosition());
      List<Column> columns = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < record.size(); i++) {
        String name = record.get(i).toLowerCase(Locale.ROOT);
        if (!IDENTIFIER.matcher(name).matches()) {
          // Could be a data row (a file without header): do not echo it.
          throw new ReferenceDataException(
              fileName,
              line,
              null,
              "header field "
                  + (i + 1)
                  + " is not a column name (is the header row missing?); columns of "
                  + table.name
                  + " are "
                  + String.join(", ", table.columns.keySet()));
        }
        Column column = table.columns.get(name);
        if (column == null) {
          throw new ReferenceDataException(
              fileName,
              line,
              name,
              "unknown column; columns of "
                  + table.name
                  + " are "
                  + String.join(", ", table.columns.keySet()));
        }
        if (!seen.add(name)) {
          throw new ReferenceDataException(fileName, line, name, "appears twice in the header");
        }
        columns.add(column);
      }
      for (Column column : table.columns.values()) {
        if (column.mandatoryInHeader() && !seen.contains(column.name)) {
          throw new ReferenceDataException(
              fileName, line, column.name, "required column is missing from the header");
        }
      }
      return columns;
    }

    private void createStage() throws SQLException {
      try (Statement st = connection.createStatement()) {
        // Same column types as the target, no constraints; dropped with the transaction, or
        // here by the next file of the same transaction.
        st.execute("DROP TABLE IF EXISTS " + STAGE);
        st.execute(
            "CREATE TEMPORARY TABLE "
                + STAGE
                + " ON COMMIT DROP AS SELECT "
                + columnList()
                + " FROM "
                + table.name
                + " WITH NO DATA");
        st.execute("ALTER TABLE " + STAGE + " ADD COLUMN " + POS + " bigint NOT NULL");
        // A key column the file leaves out takes its default (a tariff version's valid_from:
        // valid from the beginning), so the key checks and the upsert see it.
        for (Column c : absentKeyColumns()) {
          st.execute(
              "ALTER TABLE "
                  + STAGE
                  + " ADD COLUMN "
                  + c.name
                  + " timestamptz NOT NULL DEFAULT '"
                  + c.defaultValue
                  + "'");
        }
      }
    }

    /** Primary-key columns with a default that the header does not name (timestamps only). */
    private List<Column> absentKeyColumns() {
      List<Column> absent = new ArrayList<>();
      for (String name : table.primaryKey) {
        Column c = table.columns.get(name);
        if (c.defaultValue != null
            && c.type == ReferenceTables.Type.TIMESTAMPTZ
            && !header.contains(c)) {
          absent.add(c);
        }
      }
      return absent;
    }

    /** The header's columns and the absent key columns: what the upsert writes. */
    private String upsertColumnList() {
      StringBuilder b = new StringBuilder(columnList());
      for (Column c : absentKeyColumns()) {
        b.append(", ").append(c.name);
      }
      return b.toString();
    }

    private void bind(PreparedStatement ps, CSVRecord record) throws SQLException {
      if (record.size() != header.size()) {
        throw new ReferenceDataException(
            fileName,
            lineOf(record.getCharacterPosition()),
            null,
            "has " + record.size() + " fields, the header has " + header.size());
      }
      ps.setLong(1, record.getCharacterPosition());
      for (int i = 0; i < header.size(); i++) {
        Column column = header.get(i);
        Object value;
        try {
          value = column.parse(record.get(i));
        } catch (IllegalArgumentException e) {
          throw new ReferenceDataException(
              fileName, lineOf(record.getCharacterPosition()), column.name, e.getMessage());
        }
        if (value == null) {
          ps.setNull(i + 2, column.type.sqlType);
        } else {
          ps.setObject(i + 2, value);
        }
      }
    }

    private void remember(long position) {
      if (rows == positions.length) {
        positions = Arrays.copyOf(positions, rows * 2);
      }
      positions[rows++] = position;
    }

    // ---- checks and the upsert -----------------------------------------------------------

    private void checkDuplicateKeys() throws SQLException {
      String key = String.join(", ", table.primaryKey);
      String sql =
          "SELECT "
              + POS
              + ", first_pos FROM (SELECT "
              + POS
              + ", first_value("
              + POS
              + ") OVER (PARTITION BY "
              + key
              + " ORDER BY "
              + POS
              + ") AS first_pos FROM "
              + STAGE
              + ") d WHERE "
              + POS
              + " <> first_pos ORDER BY "
              + POS
              + " LIMIT 1";
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery(sql)) {
        if (rs.next()) {
          throw new ReferenceDataException(
              fileName,
              lineOf(rs.getLong(1)),
              key,
              "same key as line " + lineOf(rs.getLong(2)) + " (each key may appear once per file)");
        }
      }
    }

    /**
     * Foreign keys, checked before the upsert with one anti-join each: the usual mistake (a plan or
     * partner missing) is then reported without the bisection below.
     */
    private void checkReferences() throws SQLException {
      for (var reference : table.references.entrySet()) {
        String column = reference.getKey();
        String referenced = reference.getValue();
        String sql =
            "SELECT min(s."
                + POS
                + ") FROM "
                + STAGE
                + " s WHERE s."
                + column
                + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                + referenced
                + " r WHERE r."
                + column
                + " = s."
                + column
                + ")";
        try (Statement st = connection.createStatement();
            ResultSet rs = st.executeQuery(sql)) {
          rs.next();
          long position = rs.getLong(1);
          if (!rs.wasNull()) {
            throw missingReference(lineOf(position), column, referenced);
          }
        }
      }
    }

    private ReferenceDataException missingReference(long line, String column, String referenced) {
      return new ReferenceDataException(
          fileName,
          line,
          column,
          "refers to a "
              + referenced
              + " row that does not exist (load or fix "
              + referenced
              + ".csv first)");
    }

    private String upsertSql(boolean range) {
      List<String> updates = new ArrayList<>();
      for (Column c : header) {
        if (!table.primaryKey.contains(c.name)) {
          updates.add(c.name + " = EXCLUDED." + c.name);
        }
      }
      return "INSERT INTO "
          + table.name
          + " ("
          + upsertColumnList()
          + ") SELECT "
          + upsertColumnList()
          + " FROM "
          + STAGE
          + (range ? " WHERE " + POS + " BETWEEN ? AND ?" : "")
          + " ORDER BY "
          + POS
          + " ON CONFLICT ("
          + String.join(", ", table.primaryKey)
          + ") DO "
          + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
    }

    private void upsert() throws SQLException {
      Savepoint before = connection.setSavepoint();
      try (Statement st = connection.createStatement()) {
        st.executeUpdate(upsertSql(false));
        connection.releaseSavepoint(before);
      } catch (SQLException e) {
        if (!isRowProblem(e)) {
          throw e;
        }
        connection.rollback(before);
        throw locate(e);
      }
    }

    /** Constraint violations and data exceptions: something about a row, not the database. */
    private static boolean isRowProblem(SQLException e) {
      String state = e.getSQLState();
      return state != null && (state.startsWith("23") || state.startsWith("22"));
    }

    /**
     * Finds the first line whose upsert fails. The file is upserted again in chunks, in file order,
     * each kept until one fails (so the work is about one pass over the file); inside the failing
     * chunk the shortest failing prefix is found by bisection, each attempt inside a savepoint that
     * is rolled back. The caller rolls the whole transaction back afterwards.
     */
    private ReferenceDataException locate(SQLException whole) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(upsertSql(true))) {
        for (int start = 0; start < rows; start += LOCATE_CHUNK) {
          int end = Math.min(rows, start + LOCATE_CHUNK) - 1;
          Savepoint chunk = connection.setSavepoint();
          SQLException failure = attempt(ps, start, end);
          if (failure == null) {
            connection.releaseSavepoint(chunk);
            continue;
          }
          connection.rollback(chunk);
          int lo = start;
          int hi = end;
          while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Savepoint probe = connection.setSavepoint();
            SQLException e = attempt(ps, start, mid);
            connection.rollback(probe);
            if (e != null) {
              hi = mid;
              failure = e;
            } else {
              lo = mid + 1;
            }
          }
          return describe(failure, lineOf(positions[hi]));
        }
      }
      // Every chunk passed on its own: report what the whole statement said, without a line.
      return describe(whole, 0);
    }

    /** Upserts rows [first, last] of the file; the failure, or null. */
    private SQLException attempt(PreparedStatement ps, int first, int last) throws SQLException {
      Savepoint savepoint = connection.setSavepoint();
      try {
        ps.setLong(1, positions[first]);
        ps.setLong(2, positions[last]);
        ps.executeUpdate();
        connection.releaseSavepoint(savepoint);
        return null;
      } catch (SQLException e) {
        connection.rollback(savepoint);
        if (!isRowProblem(e)) {
          throw e;
        }
        return e;
      }
    }

    /** A message from the error's SQLSTATE and constraint, never from its (value-quoting) text. */
    private ReferenceDataException describe(SQLException e, long line) throws SQLException {
      ServerErrorMessage server =
          e instanceof PSQLException ? ((PSQLException) e).getServerErrorMessage() : null;
      String constraint = server == null ? null : server.getConstraint();
      String state = String.valueOf(e.getSQLState());
      switch (state) {
        case "23502":
          return new ReferenceDataException(
              fileName, line, server == null ? null : server.getColumn(), "a value is required");
        case "23503":
          {
            String[] fk = constraintColumns(constraint);
            return missingReference(line, fk[0], fk[1] == null ? "referenced" : fk[1]);
          }
        case "23505":
          return new ReferenceDataException(
              fileName,
              line,
              constraintColumns(constraint)[0],
              "another " + table.name + " row already has this value (must be unique)");
        case "23514":
          {
            ReferenceTables.CheckMessage readable = ReferenceTables.CHECK_MESSAGES.get(constraint);
            if (readable != null) {
              return new ReferenceDataException(
                  fileName, line, readable.column(), readable.problem());
            }
            return new ReferenceDataException(
                fileName,
                line,
                constraintColumns(constraint)[0],
                "violates the check " + constraint);
          }
        default:
          return new ReferenceDataException(
              fileName, line, null, "rejected by the database (SQLSTATE " + state + ")");
      }
    }

    /** Columns of a constraint of this table (comma-joined) and the table it references. */
    private String[] constraintColumns(String constraint) throws SQLException {
      if (constraint == null) {
        return new String[2];
      }
      String sql =
          "SELECT (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)"
              + "   FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)"
              + "   JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),"
              + " CASE WHEN c.confrelid <> 0 THEN (SELECT relname FROM pg_catalog.pg_class"
              + "   WHERE oid = c.confrelid) END"
              + " FROM pg_catalog.pg_constraint c"
              + " WHERE c.conname = ? AND c.conrelid = to_regclass(?)";
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        ps.setString(1, constraint);
        ps.setString(2, table.name);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return new String[] {rs.getString(1), rs.getString(2)};
          }
        }
      }
      return new String[2];
    }

    /**
     * One subscriber number has one subscription at a time: validity intervals of the same msisdn
     * must not overlap, or an event would match two subscriptions. Checked against the whole table
     * (rows of earlier loads included) for every row of this file.
     */
    private void checkSubscriptionOverlaps() throws SQLException {
      String sql =
          "SELECT s."
              + POS
              + " FROM "
              + STAGE
              + " s JOIN subscription a ON a.subscription_id = s.subscription_id"
              + " AND a.valid_from = s.valid_from"
              + " WHERE EXISTS (SELECT 1 FROM subscription b WHERE b.msisdn = a.msisdn"
              + " AND (b.subscription_id, b.valid_from) <> (a.subscription_id, a.valid_from)"
              + " AND b.valid_from < coalesce(a.valid_to, 'infinity')"
              + " AND a.valid_from < coalesce(b.valid_to, 'infinity'))"
              + " ORDER BY s."
              + POS
              + " LIMIT 1";
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery(sql)) {
        if (rs.next()) {
          throw new ReferenceDataException(
              fileName,
              lineOf(rs.getLong(1)),
              "valid_from, valid_to",
              "validity overlaps another subscription of the same msisdn (a number belongs to one"
                  + " subscription at a time)");
        }
      }
    }

    // ---- helpers -------------------------------------------------------------------------

    private String columnList() {
      return header.stream().map(c -> c.name).collect(Collectors.joining(", "));
    }

    /**
     * The 1-based line of the record starting at a character position. Only used on error paths: it
     * re-reads the file, so that quoted line breaks and blank lines count exactly.
     */
    private long lineOf(long position) {
      try (Reader reader = openReader(file)) {
        long line = 1;
        int previous = -1;
        for (long i = 0; i < position; i++) {
          int ch = reader.read();
          if (ch < 0) {
            return line;
          }
          if (ch == '\n' && previous != '\r' || ch == '\r') {
            line++;
          }
          previous = ch;
        }
        // commons-csv reports the position before the blank lines it skipped: move past them.
        for (int ch = reader.read(); ch >= 0 && Character.isWhitespace(ch); ch = reader.read()) {
          if (ch == '\n' && previous != '\r' || ch == '\r') {
            line++;
          }
          previous = ch;
        }
        return line;
      } catch (IOException e) {
        return 0;
      }
    }
  }

  /** The 1-based line holding the first byte sequence that is not UTF-8; 0 if none is found. */
  private static long firstLineNotUtf8(Path file) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    CharBuffer chars = CharBuffer.allocate(1 << 16);
    long line = 1;
    try (InputStream in = Files.newInputStream(file)) {
      boolean eof = false;
      while (!eof) {
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        eof = n < 0;
        if (n > 0) {
          bytes.position(bytes.position() + n);
        }
        bytes.flip();
        CoderResult result;
        do {
          result = decoder.decode(bytes, chars, eof);
          chars.flip();
          while (chars.hasRemaining()) {
            if (chars.get() == '\n') {
              line++;
            }
          }
          chars.clear();
          if (result.isError()) {
            return line;
          }
        } while (result.isOverflow());
        bytes.compact();
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  /** UTF-8, with a byte order mark (as spreadsheet programs write) skipped. */
  private static Reader openReader(Path file) throws IOException {
    PushbackReader reader =
        new PushbackReader(
            new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), 1 << 16));
    int first = reader.read();
    if (first >= 0 && first != '\uFEFF') {
      reader.unread(first);
    }
    return reader;
  }
}
