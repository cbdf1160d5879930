package org.cdrflow.connectors.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceDataLoaderIT {

  private static final String SUBSCRIPTION_HEADER =
      "subscription_id,account_id,msisdn,imsi,plan_id,valid_from,valid_to\n";

  @TempDir Path dir;

  @Test
  void loadsTheExamples() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    long v0 = db.referenceVersion();
    Path examples = TestDatabase.examplesDirectory();

    ReferenceLoadSummary summary = db.loader().load(examples);

    assertEquals(ReferenceDataLoader.TABLES, List.copyOf(summary.rowsByTable().keySet()));
    for (String table : ReferenceDataLoader.TABLES) {
      long dataLines;
      try (Stream<String> lines = Files.lines(examples.resolve(table + ".csv"))) {
        dataLines = lines.filter(l -> !l.isBlank()).count() - 1;
      }
      assertEquals(dataLines, summary.rows(table), table);
      assertEquals(dataLines, db.count(table), table);
    }
    // One upsert statement per file; PostgreSQL fires both the INSERT and the UPDATE statement
    // triggers for INSERT ... ON CONFLICT DO UPDATE.
    long bumps = db.referenceVersion() - v0;
    assertTrue(
        bumps >= summary.rowsByTable().size() && bumps <= 2L * summary.rowsByTable().size(),
        "bumps: " + bumps);

    // The worked example holds together (other modules' tests rely on it).
    assertEquals(
        "2",
        query(db, "SELECT count(*) FROM subscription WHERE msisdn = '+4790000108'"),
        "a reassigned number has two subscriptions");
    assertEquals(
        "SUB-0009",
        query(
            db,
            "SELECT subscription_id FROM subscription WHERE msisdn = '+4790000108'"
                + " AND valid_from <= '2026-06-01T12:00:00Z'"
                + " AND (valid_to IS NULL OR valid_to > '2026-06-01T12:00:00Z')"));
    assertEquals("1", query(db, "SELECT count(*) FROM sim_block"));
    assertEquals(
        "3", query(db, "SELECT count(DISTINCT plan_id) FROM rate"), "every plan has its rates");
    assertEquals(
        "0",
        query(
            db,
            "SELECT count(*) FROM price_plan p CROSS JOIN (VALUES"
                + " ('VOICE','DOMESTIC'),('SMS','DOMESTIC'),('DATA','DOMESTIC'),"
                + " ('VOICE','INTL_EU'),('VOICE','INTL_WORLD1'),('VOICE','INTL_WORLD2'),"
                + " ('VOICE','ROAM_WORLD1_MO'),('VOICE','ROAM_WORLD2_MO'),"
                + " ('VOICE','ROAM_MARITIME_MO'),('VOICE','ROAM_WORLD1_MT'),"
                + " ('VOICE','ROAM_WORLD2_MT'),('VOICE','ROAM_MARITIME_MT'),"
                + " ('DATA','ROAM_WORLD1_DATA'),('DATA','ROAM_WORLD2_DATA'),"
                + " ('DATA','ROAM_MARITIME_DATA'),('DATA','ROAM_EU_DATA'),('VOICE','ROAM_FWD'),"
                + " ('VOICE','SHORT'),('SMS','SHORT'),('VOICE','FAIR_USE'),('SMS','FAIR_USE'),"
                + " ('DATA','FAIR_USE')) AS z(service, zone)"
                + " WHERE NOT EXISTS (SELECT 1 FROM rate r WHERE r.plan_id = p.plan_id"
                + " AND r.service = z.service AND r.zone = z.zone)"),
        "no missing rate row");
    assertEquals(
        "0",
        query(
            db,
            "SELECT count(*) FROM country_zone c WHERE c.zone <> 'NO'"
                + " AND NOT EXISTS (SELECT 1 FROM transit_route t WHERE t.country = c.country)"),
        "every foreign country has a transit route");
    assertEquals(
        "DK,EE,FI,IS,LT,LV,SE",
        query(
            db,
            "SELECT string_agg(country, ',' ORDER BY country) FROM country_zone"
                + " WHERE nordic_baltic AND zone = 'EU' AND country <> 'AX'"));
  }

  @Test
  void loadingTwiceDuplicatesNothingAndAChangedRowIsUpdated() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    Path examples = TestDatabase.examplesDirectory();
    db.loader().load(examples);
    List<String> first = db.dump("subscription");
    long v1 = db.referenceVersion();

    db.loader().load(examples);
    assertEquals(first, db.dump("subscription"));
    assertEquals(12, db.count("subscription"));
    assertTrue(db.referenceVersion() > v1);

    // A BSS delta: SUB-0002 moves to SMART (only the columns in the header are touched), and a
    // new subscription appears. Rows absent from the file stay.
    write(
        "subscription.csv",
        "subscription_id,valid_from,plan_id\n"
            + "SUB-0002,2025-03-01T00:00:00+01:00,SMART\n"
            + "SUB-0100,2026-11-01T00:00:00+01:00,MINI\n",
        false);
    ReferenceDataException missingColumns =
        assertThrows(ReferenceDataException.class, () -> db.loader().load(dir));
    assertEquals("account_id", missingColumns.column(), missingColumns.getMessage());

    write(
        "subscription.csv",
        SUBSCRIPTION_HEADER
            + "SUB-0002,ACC-1001,+4791000102,242770000000102,SMART,2025-03-01T00:00:00+01:00,\n"
            + "SUB-0100,ACC-1100,+4741000200,,MINI,2026-10-31T23:00:00Z,\n",
        false);
    ReferenceLoadSummary summary = db.loader().load(dir);
    assertEquals(Map.of("subscription", 2), summary.rowsByTable());
    assertEquals(13, db.count("subscription"));
    assertEquals(
        "SMART", query(db, "SELECT plan_id FROM subscription WHERE subscription_id = 'SUB-0002'"));
    assertEquals(
        "2026-11-01 00:00:00+01",
        query(
            db,
            "SELECT valid_from::text FROM subscription WHERE subscription_id = 'SUB-0100'",
            "SET TIME ZONE 'Europe/Oslo'"));

    // Only the header's columns are updated: a file with closed_at alone closes a period.
    write("billing_period.csv", "period,closed_at\n2026-11,2026-12-04T06:00:00+01:00\n", true);
    db.loader().loadFile(dir.resolve("billing_period.csv"));
    assertEquals(
        "2026-12-04T05:00:00Z",
        query(
            db,
            "SELECT to_char(closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                + " FROM billing_period WHERE period = '2026-11'"));
    assertEquals(11, db.count("billing_period"));

    // Tariff versions (docs/rerating.md): a file without valid_from loads as valid from the
    // beginning (the examples), a file with it adds a version and the old one stays.
    long before = db.count("rate");
    assertEquals(
        "1970-01-01T00:00:00Z",
        query(
            db,
            "SELECT DISTINCT to_char(valid_from AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM rate"));
    write(
        "rate.csv",
        "plan_id,service,zone,price,valid_from\nMINI,SMS,DOMESTIC,0.99,2026-12-01T00:00:00+01:00\n",
        true);
    db.loader().loadFile(dir.resolve("rate.csv"));
    assertEquals(before + 1, db.count("rate"));
    assertEquals(
        "2",
        query(
            db,
            "SELECT count(*) FROM rate WHERE plan_id = 'MINI' AND service = 'SMS'"
                + " AND zone = 'DOMESTIC'"));
  }

  /** SPEC §4: a bad row aborts its whole file and says where. */
  @Test
  void aBadTimestampOnLine4AbortsTheWholeFile() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    db.loader().load(TestDatabase.examplesDirectory());
    List<String> before = db.dump("subscription");
    long version = db.referenceVersion();

    write(
        "subscription.csv",
        SUBSCRIPTION_HEADER
            // line 2: an update of an existing row
            + "SUB-0001,ACC-1001,+4791000101,242770000000101,MINI,2025-03-01T00:00:00+01:00,\n"
            // line 3: a new row
            + "SUB-0200,ACC-2000,+4741000300,,MINI,2026-03-01T00:00:00+01:00,\n"
            // line 4: no offset
            + "SUB-0201,ACC-2001,+4741000301,,MINI,2026-03-01T00:00:00,\n"
            + "SUB-0202,ACC-2002,+4741000302,,MINI,2026-03-01T00:00:00+01:00,\n",
        false);
    ReferenceDataException e =
        assertThrows(ReferenceDataException.class, () -> db.loader().load(dir));

    assertEquals("subscription.csv", e.file());
    assertEquals(4, e.line());
    assertEquals("valid_from", e.column());
    assertTrue(e.getMessage().startsWith("subscription.csv line 4, column valid_from: "));
    assertTrue(e.getMessage().contains("is not an ISO-8601 timestamp with offset"));
    assertFalse(e.getMessage().contains("2026-03-01"), "no value in the message");
    assertEquals(before, db.dump("subscription"), "nothing of the file was written");
    assertEquals(version, db.referenceVersion());
  }

  @Test
  void aBadFileLoadsNothingOfTheDirectoryNotEvenTheFilesBeforeIt() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    write("price_plan.csv", "plan_id,data_overage\nP1,THROTTLE\n", false);
    write("rate.csv", "plan_id,service,zone,price\nP1,VOICE,DOMESTIC,abc\n", false);
    write("country_zone.csv", "country,zone\nNO,NO\n", false);

    ReferenceDataException e =
        assertThrows(ReferenceDataException.class, () -> db.loader().load(dir));
    assertEquals(
        "rate.csv line 2, column price: is not a plain decimal number (e.g. 1.25)", e.getMessage());
    assertEquals(0, db.count("price_plan"), "one transaction for the directory");
    assertEquals(0, db.count("rate"));
    assertEquals(0, db.count("country_zone"));

    Files.delete(dir.resolve("rate.csv"));
    Files.delete(dir.resolve("country_zone.csv"));
    db.loader().load(dir);
    assertEquals(1, db.count("price_plan"), "the fixed directory loads");
  }

  /** Each bad file: where the loader must point, and the words of the problem. */
  @Test
  void badFilesAreReportedWithLineAndColumn() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    db.loader().load(TestDatabase.examplesDirectory());

    // Detection rules (docs/fraud.md): a bad rule row is refused, the rules in force stay.
    expectError(
        db,
        "fraud_rule.csv",
        "rule_id,valid_from,kind\nR1,2026-01-01T00:00:00Z,HIGH_RISK_DESTINATION\n"
            + "R2,2026-01-01T00:00:00Z,WANGIRI\n",
        3,
        "kind",
        "must be one of HIGH_RISK_DESTINATION");
    expectError(
        db,
        "fraud_rule.csv",
        "rule_id,valid_from,kind,min_calls\nR1,2026-01-01T00:00:00Z,PREMIUM_BURST,-2\n",
        2,
        "min_calls",
        "must be positive");
    expectError(
        db,
        "fraud_rule.csv",
        "rule_id,valid_from,kind,short_share\nR1,2026-01-01T00:00:00Z,CALL_SPRAY,1.5\n",
        2,
        "short_share",
        "must be between 0 and 1");
    expectError(
        db,
        "fraud_rule.csv",
        "rule_id,valid_from,kind,window_minutes\nR1,2026-01-01T00:00:00Z,CALL_SPRAY,2000\n",
        2,
        "window_minutes",
        "must be between 1 and 1440");
    expectError(
        db,
        "high_risk_destination.csv",
        "prefix,reason\n+882,networks\n00234,x\n",
        3,
        "prefix",
        "is not an E.164 prefix");

    expectError(
        db,
        "price_plan.csv",
        "plan_id,data_overage\nA,THROTTLE\nB,SLOW\n",
        3,
        "data_overage",
        "must be one of THROTTLE, CHARGE");
    expectError(
        db,
        "price_plan.csv",
        "plan_id,data_overage,colour\nA,THROTTLE,red\n",
        1,
        "colour",
        "unknown column");
    expectError(
        db,
        "price_plan.csv",
        "name,data_overage\nx,THROTTLE\n",
        1,
        "plan_id",
        "required column is missing from the header");
    expectError(
        db,
        "price_plan.csv",
        "plan_id,data_overage,plan_id\nA,THROTTLE,A\n",
        1,
        "plan_id",
        "appears twice");
    expectError(
        db,
        "price_plan.csv",
        "plan_id,data_overage\nA,THROTTLE\nB,CHARGE,extra\n",
        3,
        null,
        "has 3 fields, the header has 2");
    expectError(
        db,
        "price_plan.csv",
        "plan_id,data_overage\n,THROTTLE\n",
        2,
        "plan_id",
        "a value is required");
    expectError(
        db,
        "price_plan.csv",
        "plan_id,data_overage,data_overage_cap\nA,CHARGE,12.345\n",
        2,
        "data_overage_cap",
        "has more than 2 decimals");
    expectError(
        db,
        "price_plan.csv",
        "plan_id,data_overage,voice_minutes\nA,CHARGE,-5\n",
        2,
        "voice_minutes",
        "must not be negative");
    expectError(
        db,
        "country_zone.csv",
        "country,zone,nordic_baltic\nSE,EU,ja\n",
        2,
        "nordic_baltic",
        "must be true or false");
    expectError(
        db,
        "country_zone.csv",
        "country,zone\nse,EU\n",
        2,
        "country",
        "is not an ISO 3166 alpha-2 country code");
    expectError(
        db,
        "billing_period.csv",
        "period,closed_at\n2026-1,\n",
        2,
        "period",
        "is not a billing period (YYYY-MM)");
    // Foreign key: found by the database, line found by bisection (line 5 of 7).
    expectError(
        db,
        "rate.csv",
        "plan_id,service,zone,price\nMINI,SMS,X1,1\nMINI,SMS,X2,1\nSMART,SMS,X3,1\n"
            + "GOLD,SMS,X4,1\nMINI,SMS,X5,1\nMINI,SMS,X6,1\n",
        5,
        "plan_id",
        "refers to a price_plan row that does not exist");
    expectError(
        db,
        "trunk.csv",
        "trunk_id,partner_id\nT1,PTN-NOPE\n",
        2,
        "partner_id",
        "refers to a partner row that does not exist");
    // Unique beyond the primary key, against rows already in the table.
    expectError(
        db,
        "partner.csv",
        "partner_id,name,operator_id\nPTN-X,X,OPX\nPTN-Y,Y,OPA\n",
        3,
        "operator_id",
        "must be unique");
    expectError(
        db,
        "invoice.csv",
        "invoice_id,account_id,billing_period,status\nINV-NEW,ACC-1001,2026-01,OPEN\n",
        2,
        "account_id, billing_period",
        "must be unique");
    expectError(
        db,
        "rate.csv",
        "plan_id,service,zone,price\nMINI,SMS,X1,1\nMINI,SMS,X2,1\nMINI,SMS,X1,2\n",
        4,
        "plan_id, service, zone, valid_from",
        "same key as line 2");
    // Quoted fields may hold commas and line breaks: lines are counted in the file.
    expectError(
        db,
        "special_number.csv",
        "prefix,description,price_per_minute\n+47821,\"Info, line one\nline two\",1.00\n"
            + "+47822,Ok,oops\n",
        4,
        "price_per_minute",
        "is not a plain decimal number");
    // Blank lines are skipped but counted; a byte order mark is not a column name.
    expectError(
        db,
        "special_number.csv",
        "\uFEFFprefix,description\n\n+47821,a\n\n\n47822,b\n",
        6,
        "prefix",
        "is not an E.164 prefix");
    expectError(
        db,
        "special_number.csv",
        "prefix,description\n+47821,\"unterminated\n+47822,b\n",
        2,
        null,
        "malformed CSV");
    expectError(db, "special_number.csv", "", 1, null, "the header row is missing");

    // Latin-1 from an old export: not silently mis-decoded.
    Files.write(
        dir.resolve("partner.csv"),
        "partner_id,name\nPTN-Z,Operat\u00f8r Z\n".getBytes(StandardCharsets.ISO_8859_1));
    ReferenceDataException e =
        assertThrows(ReferenceDataException.class, () -> db.loader().load(dir));
    Files.delete(dir.resolve("partner.csv"));
    assertEquals("partner.csv line 2: is not valid UTF-8 (save the file as UTF-8)", e.getMessage());
  }

  /** A violation only the database sees, deep in a large file: found in about one pass. */
  @Test
  void aUniqueViolationDeepInALargeFileIsLocated() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    db.loader().load(TestDatabase.examplesDirectory());
    StringBuilder csv = new StringBuilder("invoice_id,account_id,billing_period,status\n");
    int rows = 25_000;
    for (int i = 0; i < rows; i++) {
      // Line 23,458 bills ACC-2005 for 2026-01 a second time under another invoice id.
      int account = i == 23_456 ? 5 : i;
      csv.append("INV-X").append(i).append(",ACC-2").append(String.format("%03d", account));
      csv.append(",2026-01,OPEN\n");
    }
    expectError(
        db, "invoice.csv", csv.toString(), 23_458, "account_id, billing_period", "must be unique");
  }

  @Test
  void unknownFilesAndMissingDirectoryAreRejectedBeforeLoading() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    write("price_plan.csv", "plan_id,data_overage\nP1,THROTTLE\n", false);
    write("subscriptions.csv", SUBSCRIPTION_HEADER, false);
    ReferenceDataException e =
        assertThrows(ReferenceDataException.class, () -> db.loader().load(dir));
    assertTrue(
        e.getMessage().startsWith("subscriptions.csv: not a reference table"), e.getMessage());
    assertEquals(0, db.count("price_plan"));

    assertThrows(
        ReferenceDataException.class, () -> db.loader().load(dir.resolve("does-not-exist")));
    Files.writeString(dir.resolve("README.txt"), "not a csv");
    Files.delete(dir.resolve("subscriptions.csv"));
    assertEquals(Map.of("price_plan", 1), db.loader().load(dir).rowsByTable());
  }

  /** R11: one number belongs to one subscription at a time. */
  @Test
  void overlappingSubscriptionsOfOneNumberAreRejected() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    db.loader().load(TestDatabase.examplesDirectory());
    List<String> before = db.dump("subscription");

    // +4790000108 belongs to SUB-0008 until 2026-02-01, to SUB-0009 from 2026-05-01.
    expectError(
        db,
        "subscription.csv",
        SUBSCRIPTION_HEADER
            + "SUB-0300,ACC-3000,+4740000300,,MINI,2026-01-01T00:00:00+01:00,\n"
            + "SUB-0301,ACC-3001,+4790000108,,MINI,2026-04-01T00:00:00+02:00,\n",
        3,
        "valid_from, valid_to",
        "overlaps another subscription of the same msisdn");
    expectError(
        db,
        "subscription.csv",
        SUBSCRIPTION_HEADER
            + "SUB-0302,ACC-3002,+4740000302,,MINI,2026-01-01T00:00:00+01:00,"
            + "2025-12-01T00:00:00+01:00\n",
        2,
        "valid_to",
        "valid_to must be later than valid_from");
    assertEquals(before, db.dump("subscription"));

    // The gap between the two is free; back-to-back intervals do not overlap (half-open).
    write(
        "subscription.csv",
        SUBSCRIPTION_HEADER
            + "SUB-0303,ACC-3003,+4790000108,,MINI,2026-02-01T00:00:00+01:00,"
            + "2026-05-01T00:00:00+02:00\n",
        false);
    db.loader().load(dir);
    assertEquals(before.size() + 1, db.count("subscription"));
  }

  /** SPEC §10: subscriber numbers never reach a message (and so never a log). */
  @Test
  void noSubscriberNumberAppearsInAnyError() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    db.loader().load(TestDatabase.examplesDirectory());
    String secret = "91234567";
    String imsi = "242779999912345";
    List<String> files =
        List.of(
            // not E.164
            SUBSCRIPTION_HEADER + "S1,A1,+47 912 34 567,,MINI,2026-01-01T00:00:00Z,\n",
            SUBSCRIPTION_HEADER + "S1,A1,0047" + secret + ",,MINI,2026-01-01T00:00:00Z,\n",
            // bad IMSI
            SUBSCRIPTION_HEADER
                + "S1,A1,+47"
                + secret
                + ","
                + imsi
                + "X,MINI,2026-01-01T00:00:00Z,\n",
            // shifted fields: the number lands in a timestamp and a plan column
            SUBSCRIPTION_HEADER + "S1,A1,,+47" + secret + "," + imsi + ",+47" + secret + ",\n",
            "subscription_id,account_id,msisdn,imsi,plan_id,valid_from\n"
                + "S1,A1,+47"
                + secret
                + ","
                + imsi
                + ",MINI,+47"
                + secret
                + "\n",
            // no header row: the first data row is read as a header
            "S1,A1,+47" + secret + "," + imsi + ",MINI,2026-01-01T00:00:00Z,\n",
            // wrong field count
            SUBSCRIPTION_HEADER + "S1,A1,+47" + secret + "," + imsi + ",MINI\n",
            // foreign key found by the database
            SUBSCRIPTION_HEADER
                + "S1,A1,+47"
                + secret
                + ","
                + imsi
                + ",GOLD,2026-01-01T00:00:00Z,\n",
            // duplicate key
            SUBSCRIPTION_HEADER
                + "S1,A1,+47"
                + secret
                + ","
                + imsi
                + ",MINI,2026-01-01T00:00:00Z,\n"
                + "S1,A1,+47"
                + secret
                + ","
                + imsi
                + ",MINI,2026-01-01T00:00:00Z,\n",
            // overlap with an existing subscription of the number
            SUBSCRIPTION_HEADER + "S1,A1,+4791000101," + imsi + ",MINI,2026-01-01T00:00:00Z,\n");
    for (String content : files) {
      write("subscription.csv", content, false);
      ReferenceDataException e =
          assertThrows(ReferenceDataException.class, () -> db.loader().load(dir), content);
      String everything = e.getMessage() + " " + e.file() + " " + e.column() + " " + e.problem();
      for (String forbidden : List.of(secret, imsi, "91000101", "+47")) {
        assertFalse(everything.contains(forbidden), everything);
      }
      assertEquals(null, e.getCause(), "no driver exception (it may quote the row)");
    }
    for (String content :
        List.of(
            "msisdn,blocked_at\n+47" + secret + ",yesterday\n",
            "msisdn,operator_id,valid_from\n+47" + secret + ",,2026-01-01T00:00:00Z\n")) {
      String file = content.startsWith("msisdn,blocked") ? "sim_block.csv" : "ported_number.csv";
      write(file, content, false);
      ReferenceDataException e =
          assertThrows(ReferenceDataException.class, () -> db.loader().load(dir), content);
      Files.delete(dir.resolve(file));
      assertFalse(e.getMessage().contains(secret), e.getMessage());
    }
  }

  /** The BSS role loads without owning the tables, and its loads still move the marker. */
  @Test
  void theReferenceLoaderRoleCanLoad() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bss_loader') THEN"
              + " CREATE ROLE bss_loader LOGIN PASSWORD 'bss' IN ROLE cdr_reference_loader;"
              + " END IF; END $$");
      st.execute("GRANT CONNECT ON DATABASE " + db.name + " TO bss_loader");
    }
    long v0 = db.referenceVersion();
    ReferenceLoadSummary summary =
        new ReferenceDataLoader(db.urlFor("bss_loader"), "bss_loader", "bss")
            .load(TestDatabase.examplesDirectory());
    assertEquals(12, summary.rows("subscription"));
    assertTrue(db.referenceVersion() - v0 >= 14);
  }

  // ---- helpers ---------------------------------------------------------------------------

  private void expectError(
      TestDatabase db, String file, String content, long line, String column, String problem)
      throws Exception {
    String table = file.substring(0, file.length() - 4);
    List<String> before = db.dump(table);
    long version = db.referenceVersion();
    write(file, content, false);
    try {
      ReferenceDataException e =
          assertThrows(ReferenceDataException.class, () -> db.loader().load(dir), content);
      assertEquals(file, e.file(), e.getMessage());
      assertEquals(line, e.line(), e.getMessage());
      assertEquals(column, e.column(), e.getMessage());
      assertTrue(e.problem().contains(problem), e.getMessage());
      assertEquals(before, db.dump(table), "table unchanged after " + e.getMessage());
      assertEquals(version, db.referenceVersion());
    } finally {
      Files.delete(dir.resolve(file));
    }
  }

  private void write(String file, String content, boolean clean) throws IOException {
    if (clean) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
    }
    Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
  }

  private static String query(TestDatabase db, String sql, String... setup) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      for (String s : setup) {
        st.execute(s);
      }
      try (ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
