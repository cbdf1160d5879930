package org.cdrflow.connectors.db;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The reference tables as the CSV loader sees them: columns, types, value rules and load order. It
 * mirrors V1__reference_tables.sql (a test compares the two); the checks here exist to give a line-
 * and column-precise message before the database is asked. See docs/reference-data.md.
 */
final class ReferenceTables {

  private ReferenceTables() {}

  /** SQL type family of a column, with how a CSV value is parsed and bound. */
  enum Type {
    TEXT(Types.VARCHAR),
    INTEGER(Types.INTEGER),
    NUMERIC(Types.NUMERIC),
    TIMESTAMPTZ(Types.TIMESTAMP_WITH_TIMEZONE),
    DATE(Types.DATE),
    BOOLEAN(Types.BOOLEAN);

    final int sqlType;

    Type(int sqlType) {
      this.sqlType = sqlType;
    }
  }

  /** A format rule on a text column; the message never shows the value. */
  record Format(Pattern pattern, String problem) {}

  static final Format E164_NUMBER =
      new Format(
          Pattern.compile("\\+[1-9][0-9]{5,14}"),
          "is not an E.164 number (+, country code and number, 6 to 15 digits, no spaces)");
  static final Format E164_PREFIX =
      new Format(
          Pattern.compile("\\+[1-9][0-9]{0,14}"),
          "is not an E.164 prefix (+ and 1 to 15 digits, no spaces)");
  static final Format IMSI =
      new Format(Pattern.compile("[0-9]{6,15}"), "is not an IMSI (6 to 15 digits)");
  static final Format COUNTRY =
      new Format(
          Pattern.compile("[A-Z]{2}"),
          "is not an ISO 3166 alpha-2 country code (two capital letters)");
  static final Format CURRENCY =
      new Format(
          Pattern.compile("[A-Z]{3}"), "is not an ISO 4217 currency code (three capital letters)");
  static final Format PERIOD =
      new Format(Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2])"), "is not a billing period (YYYY-MM)");

  static final class Column {
    final String name;
    final Type type;
    boolean required;
    String defaultValue;
    Format format;
    List<String> allowed;
    int precision;
    int scale;
    Long min;

    Column(String name, Type type) {
      this.name = name;
      this.type = type;
    }

    Column required() {
      this.required = true;
      return this;
    }

    /** Used for an empty value; the column may then be left out of the header. */
    Column defaultValue(String value) {
      this.defaultValue = value;
      return this;
    }

    Column format(Format format) {
      this.format = format;
      return this;
    }

    Column oneOf(String... values) {
      this.allowed = List.of(values);
      return this;
    }

    Column min(long min) {
      this.min = min;
      return this;
    }

    /** Must appear in a header: a value is required and there is nothing to fall back to. */
    boolean mandatoryInHeader() {
      return required && defaultValue == null;
    }

    /**
     * Parses a raw CSV value (already trimmed; null or empty = NULL).
     *
     * @return the value to bind, or null for SQL NULL
     * @throws IllegalArgumentException with a message that names the problem, never the value
     */
    Object parse(String raw) {
      String value = raw == null || raw.isEmpty() ? defaultValue : raw;
      if (value == null) {
        if (required) {
          throw new IllegalArgumentException("a value is required");
        }
        return null;
      }
      switch (type) {
        case TEXT:
          if (format != null && !format.pattern().matcher(value).matches()) {
            throw new IllegalArgumentException(format.problem());
          }
          if (allowed != null && !allowed.contains(value)) {
            throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
          }
          return value;
        case INTEGER:
          return parseInteger(value);
        case NUMERIC:
          return parseNumeric(value);
        case TIMESTAMPTZ:
          try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                "is not an ISO-8601 timestamp with offset (e.g. 2026-01-01T00:00:00+01:00 or"
                    + " 2026-01-01T00:00:00Z)");
          }
        case DATE:
          try {
            return LocalDate.parse(
                value, DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(STRICT));
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("is not a date (YYYY-MM-DD)");
          }
        case BOOLEAN:
          switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
              return Boolean.TRUE;
            case "false":
              return Boolean.FALSE;
            default:
              throw new IllegalArgumentException("must be true or false");
          }
        default:
          throw new AssertionError(type);
      }
    }

    private Integer parseInteger(String value) {
      if (!INTEGER_PATTERN.matcher(value).matches()) {
        throw new IllegalArgumentException("is not a whole number");
      }
      int parsed;
      try {
        parsed = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("is too large for an integer");
      }
      checkMin(parsed);
      return parsed;
    }

    private BigDecimal parseNumeric(String value) {
      if (!DECIMAL_PATTERN.matcher(value).matches()) {
        throw new IllegalArgumentException("is not a plain decimal number (e.g. 1.25)");
      }
      BigDecimal parsed = new BigDecimal(value);
      BigDecimal normalised = parsed.scale() > 0 ? parsed.stripTrailingZeros() : parsed;
      if (normalised.scale() > scale) {
        throw new IllegalArgumentException("has more than " + scale + " decimals");
      }
      if (parsed.precision() - parsed.scale() > precision - scale) {
        throw new IllegalArgumentException(
            "is too large (at most " + (precision - scale) + " digits before the decimal point)");
      }
      if (min != null && parsed.compareTo(BigDecimal.valueOf(min)) < 0) {
        throw new IllegalArgumentException(min == 0 ? "must not be negative" : "must be >= " + min);
      }
      return parsed;
    }

    private void checkMin(long value) {
      if (min != null && value < min) {
        throw new IllegalArgumentException(
            min == 0
                ? "must not be negative"
                : min == 1 ? "must be positive" : "must be >= " + min);
      }
    }
  }

  private static final ResolverStyle STRICT = ResolverStyle.STRICT;
  private static final Pattern INTEGER_PATTERN = Pattern.compile("-?[0-9]+");
  private static final Pattern DECIMAL_PATTERN =
      Pattern.compile("-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");

  static final class Table {
    final String name;
    final List<String> primaryKey;
    final Map<String, Column> columns = new LinkedHashMap<>();

    /** Foreign keys: column → referenced table (same column name there, its primary key). */
    final Map<String, String> references = new LinkedHashMap<>();

    Table(String name, List<String> primaryKey, Column... columns) {
      this.name = name;
      this.primaryKey = primaryKey;
      for (Column c : columns) {
        this.columns.put(c.name, c);
      }
      for (String pk : primaryKey) {
        if (!this.columns.containsKey(pk) || !this.columns.get(pk).required) {
          throw new IllegalStateException(name + ": primary key column " + pk);
        }
      }
    }

    Table references(String column, String table) {
      references.put(column, table);
      return this;
    }

    String fileName() {
      return name + ".csv";
    }
  }

  private static Column text(String name) {
    return new Column(name, Type.TEXT);
  }

  private static Column integer(String name) {
    return new Column(name, Type.INTEGER);
  }

  private static Column numeric(String name, int precision, int scale) {
    Column c = new Column(name, Type.NUMERIC);
    c.precision = precision;
    c.scale = scale;
    return c;
  }

  private static Column timestamptz(String name) {
    return new Column(name, Type.TIMESTAMPTZ);
  }

  private static Column bool(String name) {
    return new Column(name, Type.BOOLEAN);
  }

  /**
   * A tariff version's start (price_plan, rate): a file without the column loads its rows as valid
   * from the beginning, as they were before tariffs had versions (docs/reference-data.md).
   */
  private static Column validFrom() {
    return timestamptz("valid_from").required().defaultValue(BEGINNING);
  }

  static final String BEGINNING = "1970-01-01T00:00:00Z";

  private static Column money(String name) {
    return numeric(name, 12, 4).min(0);
  }

  /**
   * Load order: a table comes after the tables its foreign keys point to (price_plan before rate
   * and subscription, partner before trunk, transit_route and interconnect_rate).
   */
  static final List<Table> ALL =
      List.of(
          new Table(
              "price_plan",
              List.of("plan_id", "valid_from"),
              text("plan_id").required(),
              text("name"),
              integer("voice_minutes").min(0),
              integer("sms_count").min(0),
              integer("data_mb").min(0),
              integer("eu_data_limit_mb").min(0),
              text("data_overage").required().defaultValue("THROTTLE").oneOf("THROTTLE", "CHARGE"),
              numeric("data_overage_cap", 12, 2).min(0),
              validFrom(),
              timestamptz("valid_to")),
          new Table(
              "partner",
              List.of("partner_id"),
              text("partner_id").required(),
              text("name"),
              text("operator_id")),
          new Table(
                  "rate",
                  List.of("plan_id", "service", "zone", "valid_from"),
                  text("plan_id").required(),
                  text("service").required().oneOf("VOICE", "SMS", "DATA"),
                  text("zone").required(),
                  money("connect_fee").required().defaultValue("0"),
                  money("price").required(),
                  integer("first_interval").min(1),
                  integer("next_interval").min(1),
                  validFrom(),
                  timestamptz("valid_to"))
              .references("plan_id", "price_plan"),
          new Table(
                  "subscription",
                  List.of("subscription_id", "valid_from"),
                  text("subscription_id").required(),
                  text("account_id").required(),
                  text("msisdn").required().format(E164_NUMBER),
                  text("imsi").format(IMSI),
                  text("plan_id").required(),
                  timestamptz("valid_from").required(),
                  timestamptz("valid_to"))
              .references("plan_id", "price_plan"),
          new Table(
              "sim_block",
              List.of("msisdn", "blocked_at"),
              text("msisdn").required().format(E164_NUMBER),
              timestamptz("blocked_at").required()),
          new Table(
              "special_number",
              List.of("prefix"),
              text("prefix").required().format(E164_PREFIX),
              text("description"),
              money("connect_fee").required().defaultValue("0"),
              money("price_per_minute"),
              money("price_per_sms")),
          new Table(
              "country_zone",
              List.of("country"),
              text("country").required().format(COUNTRY),
              text("zone").required().oneOf("NO", "EU", "WORLD1", "WORLD2", "MARITIME"),
              bool("nordic_baltic").required().defaultValue("false")),
          new Table(
              "number_range",
              List.of("prefix"),
              text("prefix").required().format(E164_PREFIX),
              text("operator_id").required()),
          new Table(
              "ported_number",
              List.of("msisdn", "valid_from"),
              text("msisdn").required().format(E164_NUMBER),
              text("operator_id").required(),
              timestamptz("valid_from").required()),
          new Table(
                  "trunk",
                  List.of("trunk_id"),
                  text("trunk_id").required(),
                  text("partner_id").required())
              .references("partner_id", "partner"),
          new Table(
                  "transit_route",
                  List.of("country"),
                  text("country").required().format(COUNTRY),
                  text("partner_id").required())
              .references("partner_id", "partner"),
          new Table(
                  "interconnect_rate",
                  List.of("partner_id", "direction", "product", "valid_from"),
                  text("partner_id").required(),
                  text("direction").required().oneOf("IN", "OUT"),
                  text("product").required(),
                  numeric("price", 18, 6).required().min(0),
                  text("unit").required().oneOf("MINUTE", "SMS"),
                  text("currency").required().format(CURRENCY),
                  timestamptz("valid_from").required())
              .references("partner_id", "partner"),
          new Table(
              "billing_period",
              List.of("period"),
              text("period").required().format(PERIOD),
              timestamptz("closed_at")),
          new Table(
              "invoice",
              List.of("invoice_id"),
              text("invoice_id").required(),
              text("account_id").required(),
              text("billing_period").required().format(PERIOD),
              text("status").required().oneOf("OPEN", "PAID", "OVERDUE", "DISPUTED", "CREDITED"),
              timestamptz("paid_at")),
          // Detection rules and the high-risk list (docs/fraud.md); empty parameters take the
          // kind's default.
          new Table(
              "fraud_rule",
              List.of("rule_id", "valid_from"),
              text("rule_id").required(),
              timestamptz("valid_from").required(),
              text("kind")
                  .required()
                  .oneOf(
                      "HIGH_RISK_DESTINATION",
                      "PREMIUM_BURST",
                      "CALL_SPRAY",
                      "SIM_BOX",
                      "ROAMING_HIGH_USAGE",
                      "USAGE_SPIKE",
                      "BLOCKED_SIM_ACTIVITY"),
              text("severity").required().defaultValue("MEDIUM").oneOf("LOW", "MEDIUM", "HIGH"),
              bool("enabled").required().defaultValue("true"),
              text("plan_id"),
              integer("window_minutes").min(1),
              integer("min_calls").min(1),
              numeric("min_minutes", 10, 1).min(0),
              numeric("min_amount", 12, 2).min(0),
              integer("min_distinct").min(1),
              integer("short_call_seconds").min(1),
              numeric("short_share", 4, 3).min(0),
              integer("max_incoming").min(0),
              numeric("spike_factor", 6, 2).min(1),
              numeric("baseline_amount", 12, 2).min(0)),
          new Table(
              "high_risk_destination",
              List.of("prefix"),
              text("prefix").required().format(E164_PREFIX),
              text("reason")));

  private static final Map<String, Table> BY_NAME = new LinkedHashMap<>();

  static {
    for (Table t : ALL) {
      BY_NAME.put(t.name, t);
    }
  }

  static Table byName(String name) {
    return BY_NAME.get(name);
  }

  static Set<String> names() {
    return BY_NAME.keySet();
  }

  static List<String> fileNames() {
    List<String> names = new ArrayList<>();
    for (Table t : ALL) {
      names.add(t.fileName());
    }
    return names;
  }

  /** A check of the database that the CSV checks do not cover: the column to name, the text. */
  record CheckMessage(String column, String problem) {}

  /** Readable text for the database's named check constraints that span columns. */
  static final Map<String, CheckMessage> CHECK_MESSAGES =
      Map.of(
          "subscription_validity_check",
          new CheckMessage("valid_to", "valid_to must be later than valid_from"),
          "price_plan_validity_check",
          new CheckMessage("valid_to", "valid_to must be later than valid_from"),
          "rate_validity_check",
          new CheckMessage("valid_to", "valid_to must be later than valid_from"),
          "fraud_rule_window_check",
          new CheckMessage("window_minutes", "must be between 1 and 1440 (one day)"),
          "fraud_rule_short_share_check",
          new CheckMessage("short_share", "must be between 0 and 1"));
}
