package org.cdrflow.it.helm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A syntax check of PromQL expressions, and the metric names they select. No Java PromQL parser is
 * published on Maven Central (promtool is a Go binary, not in any registry this build uses), so
 * this is a small recursive-descent parser of the language as Prometheus documents it: numbers,
 * strings, durations, selectors with label matchers, range and subquery selectors, {@code offset},
 * function calls (only functions Prometheus has: a misspelt one fails), aggregations with {@code
 * by}/{@code without} before or after their arguments, binary operators by precedence with {@code
 * bool}, {@code on}/{@code ignoring} and {@code group_left}/{@code group_right}, unary minus and
 * parentheses. It does not type-check (e.g. {@code rate} of an instant vector). Grafana's {@code
 * $__rate_interval} and {@code $__range} are read as durations. docs/operations.md, "Alert rules".
 */
final class PromQl {
  private static final Set<String> FUNCTIONS =
      Set.of(
          "abs",
          "absent",
          "absent_over_time",
          "avg_over_time",
          "ceil",
          "changes",
          "clamp",
          "clamp_max",
          "clamp_min",
          "count_over_time",
          "day_of_month",
          "day_of_week",
          "day_of_year",
          "days_in_month",
          "delta",
          "deriv",
          "exp",
          "floor",
          "histogram_quantile",
          "holt_winters",
          "hour",
          "idelta",
          "increase",
          "irate",
          "label_join",
          "label_replace",
          "last_over_time",
          "ln",
          "log10",
          "log2",
          "max_over_time",
          "min_over_time",
          "minute",
          "month",
          "predict_linear",
          "present_over_time",
          "quantile_over_time",
          "rate",
          "resets",
          "round",
          "scalar",
          "sgn",
          "sort",
          "sort_desc",
          "sqrt",
          "stddev_over_time",
          "stdvar_over_time",
          "sum_over_time",
          "time",
          "timestamp",
          "vector",
          "year");
  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile");

  /** Binary operators from lowest to highest precedence. */
  private static final List<List<String>> LEVELS =
      List.of(
          List.of("or"),
          List.of("and", "unless"),
          List.of("==", "!=", "<=", ">=", "<", ">"),
          List.of("+", "-"),
          List.of("*", "/", "%", "atan2"),
          List.of("^"));

  private final String src;
  private int pos;
  private final Set<String> metrics = new LinkedHashSet<>();

  private PromQl(String src) {
    this.src =
        src.replace("$__rate_interval", "5m")
            .replace("$__interval", "1m")
            .replace("$__range", "1h");
  }

  /** The metric names {@code expr} selects; throws IllegalArgumentException on a syntax error. */
  static Set<String> metricNames(String expr) {
    PromQl p = new PromQl(expr);
    p.expression(0);
    p.skipSpace();
    if (p.pos != p.src.length()) {
      throw p.error("unexpected input");
    }
    return p.metrics;
  }

  private void expression(int level) {
    if (level == LEVELS.size()) {
      unary();
      return;
    }
    expression(level + 1);
    while (true) {
      String op = operatorAt(LEVELS.get(level));
      if (op == null) {
        return;
      }
      pos += op.length();
      keyword("bool");
      if (keyword("on") || keyword("ignoring")) {
        labelList();
        if (keyword("group_left") || keyword("group_right")) {
          skipSpace();
          if (peek() == '(') {
            labelList();
          }
        }
      }
      // '^' is right-associative, the others left: both parse the same names.
      expression(level + 1);
    }
  }

  private String operatorAt(List<String> ops) {
    skipSpace();
    for (String op : ops) {
      if (Character.isLetter(op.charAt(0))) {
        if (src.startsWith(op, pos) && !isIdentPart(charAt(pos + op.length()))) {
          return op;
        }
      } else if (src.startsWith(op, pos)) {
        // '<' and '>' must not be read as the start of '<=' / '>=' twice; '=' alone is no operator.
        return op;
      }
    }
    return null;
  }

  private void unary() {
    skipSpace();
    if (peek() == '-' || peek() == '+') {
      pos++;
      unary();
      return;
    }
    postfix();
  }

  private void postfix() {
    primary();
    while (true) {
      skipSpace();
      if (peek() == '[') {
        pos++;
        duration();
        skipSpace();
        if (peek() == ':') {
          pos++;
          skipSpace();
          if (peek() != ']') {
            duration();
          }
        }
        expect(']');
      } else if (keyword("offset")) {
        skipSpace();
        if (peek() == '-') {
          pos++;
        }
        duration();
      } else {
        return;
      }
    }
  }

  private void primary() {
    skipSpace();
    char c = peek();
    if (c == '(') {
      pos++;
      expression(0);
      expect(')');
    } else if (c == '"' || c == '\'') {
      string();
    } else if (Character.isDigit(c) || c == '.') {
      number();
    } else if (c == '{') {
      matchers();
    } else if (isIdentStart(c)) {
      String name = identifier();
      skipSpace();
      if (AGGREGATIONS.contains(name)) {
        aggregation();
      } else if (FUNCTIONS.contains(name) && peek() == '(') {
        arguments();
      } else if (peek() == '(') {
        throw error("unknown function " + name);
      } else if (name.equals("inf") || name.equals("nan")) {
        return;
      } else {
        metrics.add(name);
        if (peek() == '{') {
          matchers();
        }
      }
    } else {
      throw error("expected an expression");
    }
  }

  private void aggregation() {
    boolean grouped = keyword("by") || keyword("without");
    if (grouped) {
      labelList();
    }
    arguments();
    if (!grouped && (keyword("by") || keyword("without"))) {
      labelList();
    }
  }

  private void arguments() {
    expect('(');
    skipSpace();
    if (peek() == ')') {
      pos++;
      return;
    }
    expression(0);
    while (true) {
      skipSpace();
      if (peek() == ',') {
        pos++;
        expression(0);
      } else {
        expect(')');
        return;
      }
    }
  }

  private void labelList() {
    expect('(');
    skipSpace();
    if (peek() != ')') {
      identifier();
      skipSpace();
      while (peek() == ',') {
        pos++;
        skipSpace();
        identifier();
        skipSpace();
      }
    }
    expect(')');
  }

  private void matchers() {
    expect('{');
    skipSpace();
    while (peek() != '}') {
      String label = identifier();
      skipSpace();
      String op = null;
      for (String o : new String[] {"=~", "!~", "!=", "="}) {
        if (src.startsWith(o, pos)) {
          op = o;
          break;
        }
      }
      if (op == null) {
        throw error("expected a label matcher operator after " + label);
      }
      pos += op.length();
      skipSpace();
      string();
      skipSpace();
      if (peek() == ',') {
        pos++;
        skipSpace();
      } else if (peek() != '}') {
        throw error("expected , or }");
      }
    }
    pos++;
  }

  private void string() {
    char q = peek();
    if (q != '"' && q != '\'') {
      throw error("expected a string");
    }
    pos++;
    while (pos < src.length() && src.charAt(pos) != q) {
      pos += src.charAt(pos) == '\\' ? 2 : 1;
    }
    if (pos >= src.length()) {
      throw error("unterminated string");
    }
    pos++;
  }

  private void number() {
    int start = pos;
    while (pos < src.length()
        && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
      pos++;
    }
    String n = src.substring(start, pos);
    if (!n.matches("\\d+(\\.\\d*)?([eE][+-]?\\d+)?|\\.\\d+|0x[0-9a-fA-F]+")) {
      throw error("not a number: " + n);
    }
  }

  private void duration() {
    skipSpace();
    int start = pos;
    while (pos < src.length() && Character.isLetterOrDigit(src.charAt(pos))) {
      pos++;
    }
    if (!src.substring(start, pos).matches("(\\d+(ms|s|m|h|d|w|y))+")) {
      throw error("not a duration: " + src.substring(start, pos));
    }
  }

  private String identifier() {
    skipSpace();
    int start = pos;
    if (!isIdentStart(peek())) {
      throw error("expected a name");
    }
    while (isIdentPart(charAt(pos))) {
      pos++;
    }
    return src.substring(start, pos);
  }

  private boolean keyword(String word) {
    skipSpace();
    if (src.startsWith(word, pos) && !isIdentPart(charAt(pos + word.length()))) {
      pos += word.length();
      return true;
    }
    return false;
  }

  private void expect(char c) {
    skipSpace();
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipSpace() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '#') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else {
        return;
      }
    }
  }

  private char peek() {
    return charAt(pos);
  }

  private char charAt(int i) {
    return i < src.length() ? src.charAt(i) : '\0';
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_' || c == ':';
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at " + pos + " in: " + src);
  }

  /** For a test: every problem of a list of expressions, empty when all parse. */
  static List<String> problems(List<String> exprs) {
    List<String> out = new ArrayList<>();
    for (String e : exprs) {
      try {
        metricNames(e);
      } catch (IllegalArgumentException ex) {
        out.add(ex.getMessage());
      }
    }
    return out;
  }
}
