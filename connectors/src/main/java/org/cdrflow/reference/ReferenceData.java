package org.cdrflow.reference;

import java.io.Serializable;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An immutable snapshot of the reference data with every lookup made <em>as of</em> a moment:
 * validity intervals are half-open [valid_from, valid_to), so a number given to a new customer
 * (docs/reference-data.md) rates against the subscription that held it at the event time.
 *
 * <p>Lookups are hash probes (longest prefix: at most 15 probes), never a database round trip, so
 * the streaming job can call them for every record.
 */
public final class ReferenceData implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final int MAX_E164_LENGTH = 16; // '+' and 15 digits

  private final long version;
  private final Map<String, Subscription[]> subscriptionsByMsisdn;

  /**
   * The start (earliest valid_from) of every subscription_id with more than one row, i.e. whose
   * plan or number changed; one row's own valid_from is its start otherwise.
   */
  private final Map<String, Instant> startOfChangedSubscriptions;

  private final Map<String, Instant[]> blocksByMsisdn;
  private final Map<String, PricePlan[]> plans;

  /**
   * The versions of each rate row by plan, then service, then zone: a lookup makes no key string
   * (the rater and re-rating look up to three rows per event, docs/benchmarks.md "Re-rating").
   */
  private final Map<String, EnumMap<Service, Map<String, Rate[]>>> rates;

  private final Map<String, SpecialNumber> specialNumbers;
  private final Map<String, CountryZone> countryZones;
  private final Map<String, String> operatorByRange;
  private final int[] specialNumberLengths;
  private final int[] rangeLengths;
  private final Map<String, PortedNumber[]> portingsByMsisdn;
  private final Map<String, String> partnerByOperator;
  private final Map<String, String> partnerByTrunk;
  private final Map<String, String> transitPartnerByCountry;
  private final Map<String, InterconnectRate[]> interconnectRates;
  private final Map<YearMonth, Instant> periodClosedAt;
  private final Instant anonymisationCutoff;
  private final FraudRule[][] fraudRuleVersions;

  /** {@link #longestFraudWindowMillis()}, computed once: detection asks for every line. */
  private final long longestFraudWindowMillis;

  private final List<FraudRule> latestFraudRules;
  private final Instant latestFraudRuleChange;
  private final Map<String, String> highRiskDestinations;
  private final int[] highRiskLengths;

  private ReferenceData(Builder b) {
    this.version = b.version;
    this.subscriptionsByMsisdn =
        groupSorted(
            b.subscriptions,
            Subscription::msisdn,
            Comparator.comparing(Subscription::validFrom),
            Subscription[]::new);
    Map<String, Instant> firstSeen = new HashMap<>(b.subscriptions.size() * 2);
    Map<String, Instant> starts = new HashMap<>();
    for (Subscription s : b.subscriptions) {
      Instant earlier = firstSeen.putIfAbsent(s.subscriptionId(), s.validFrom());
      if (earlier != null) {
        Instant start = earlier.isBefore(s.validFrom()) ? earlier : s.validFrom();
        firstSeen.put(s.subscriptionId(), start);
        starts.put(s.subscriptionId(), start);
      }
    }
    this.startOfChangedSubscriptions = starts;
    Map<String, Instant[]> blocks = new HashMap<>();
    groupSorted(
            b.blocks, SimBlock::msisdn, Comparator.comparing(SimBlock::blockedAt), SimBlock[]::new)
        .forEach(
            (k, v) ->
                blocks.put(k, Arrays.stream(v).map(SimBlock::blockedAt).toArray(Instant[]::new)));
    this.blocksByMsisdn = blocks;
    this.plans =
        groupSorted(
            b.plans,
            PricePlan::planId,
            Comparator.comparing(PricePlan::validFrom),
            PricePlan[]::new);
    Map<String, EnumMap<Service, Map<String, Rate[]>>> ratesByPlan = new HashMap<>();
    groupSorted(
            b.rates,
            r -> rateKey(r.planId(), r.service(), r.zone()),
            Comparator.comparing(Rate::validFrom),
            Rate[]::new)
        .forEach(
            (key, versions) -> {
              if (versions[0].service() == null) {
                return; // no lookup names a null service
              }
              ratesByPlan
                  .computeIfAbsent(versions[0].planId(), p -> new EnumMap<>(Service.class))
                  .computeIfAbsent(versions[0].service(), x -> new HashMap<>())
                  .put(versions[0].zone(), versions);
            });
    this.rates = ratesByPlan;
    this.specialNumbers = index(b.specialNumbers, SpecialNumber::prefix);
    this.countryZones = index(b.countryZones, CountryZone::country);
    this.operatorByRange = new HashMap<>(b.numberRanges);
    this.specialNumberLengths = lengthsOf(specialNumbers.keySet());
    this.rangeLengths = lengthsOf(operatorByRange.keySet());
    this.portingsByMsisdn =
        groupSorted(
            b.portings,
            PortedNumber::msisdn,
            Comparator.comparing(PortedNumber::validFrom),
            PortedNumber[]::new);
    Map<String, String> byOperator = new HashMap<>();
    for (Partner p : b.partners) {
      if (p.operatorId() != null) {
        byOperator.put(p.operatorId(), p.partnerId());
      }
    }
    this.partnerByOperator = byOperator;
    this.partnerByTrunk = new HashMap<>(b.trunks);
    this.transitPartnerByCountry = new HashMap<>(b.transitRoutes);
    this.interconnectRates =
        groupSorted(
            b.interconnectRates,
            r -> interconnectKey(r.partnerId(), r.direction(), r.product()),
            Comparator.comparing(InterconnectRate::validFrom),
            InterconnectRate[]::new);
    this.periodClosedAt = new HashMap<>(b.periodClosedAt);
    this.anonymisationCutoff = b.anonymisationCutoff;
    Map<String, FraudRule[]> versions =
        groupSorted(
            b.fraudRules,
            FraudRule::ruleId,
            Comparator.comparing(FraudRule::validFrom),
            FraudRule[]::new);
    this.fraudRuleVersions =
        versions.keySet().stream().sorted().map(versions::get).toArray(FraudRule[][]::new);
    long longest = 0;
    for (FraudRule[] v : fraudRuleVersions) {
      for (FraudRule r : v) {
        if (!r.kind().daily()) {
          longest = Math.max(longest, r.windowMillis());
        }
      }
    }
    this.longestFraudWindowMillis = longest;
    Instant latest = Instant.MIN;
    List<FraudRule> current = new ArrayList<>();
    for (FraudRule[] v : fraudRuleVersions) {
      FraudRule last = v[v.length - 1];
      latest = last.validFrom().isAfter(latest) ? last.validFrom() : latest;
      if (last.enabled()) {
        current.add(last);
      }
    }
    this.latestFraudRules = List.copyOf(current);
    this.latestFraudRuleChange = latest;
    this.highRiskDestinations = new HashMap<>(b.highRiskDestinations);
    this.highRiskLengths = lengthsOf(highRiskDestinations.keySet());
  }

  /**
   * The enabled detection rules in force at {@code t}: of each rule_id the version with the latest
   * valid_from at or before {@code t} (docs/fraud.md, "Changing a rule"). Sorted by rule_id.
   */
  public List<FraudRule> fraudRulesAt(Instant t) {
    if (!t.isBefore(latestFraudRuleChange)) {
      return latestFraudRules;
    }
    List<FraudRule> rules = new ArrayList<>(fraudRuleVersions.length);
    for (FraudRule[] versions : fraudRuleVersions) {
      for (int i = versions.length - 1; i >= 0; i--) {
        if (!versions[i].validFrom().isAfter(t)) {
          if (versions[i].enabled()) {
            rules.add(versions[i]);
          }
          break;
        }
      }
    }
    return rules;
  }

  /** Whether any version of any detection rule exists (no rules: detection does nothing). */
  public boolean hasFraudRules() {
    return fraudRuleVersions.length > 0;
  }

  /** The longest sliding window of any rule version, in milliseconds (how long calls are kept). */
  public long longestFraudWindowMillis() {
    return longestFraudWindowMillis;
  }

  /** Whether {@code e164} starts with a prefix of {@code high_risk_destination}. */
  public boolean isHighRiskDestination(String e164) {
    return longestPrefix(highRiskDestinations, highRiskLengths, e164) != null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Changes with every change of the reference tables; equal versions mean equal data. */
  public long version() {
    return version;
  }

  /** The subscription that held {@code msisdn} (E.164) at {@code t}. */
  public Optional<Subscription> subscriptionAt(String msisdn, Instant t) {
    Subscription[] all = subscriptionsByMsisdn.get(msisdn);
    if (all == null) {
      return Optional.empty();
    }
    for (int i = all.length - 1; i >= 0; i--) {
      if (all[i].validAt(t)) {
        return Optional.of(all[i]);
      }
    }
    return Optional.empty();
  }

  /**
   * When {@code subscription} started: the earliest valid_from of any row of its subscription_id. A
   * plan change adds a row but does not start a new subscription (docs/rating.md, "Fair use").
   */
  public Instant subscriptionStart(Subscription subscription) {
    return startOfChangedSubscriptions.getOrDefault(
        subscription.subscriptionId(), subscription.validFrom());
  }

  /**
   * The block notice that applies to {@code subscription} at {@code t}: received at or before
   * {@code t} and while this subscription held the number (a block of an earlier holder of a
   * reassigned number does not follow the number).
   */
  public Optional<Instant> blockedAt(Subscription subscription, Instant t) {
    Instant[] blocks = blocksByMsisdn.get(subscription.msisdn());
    if (blocks == null) {
      return Optional.empty();
    }
    for (Instant blockedAt : blocks) {
      if (!blockedAt.isAfter(t) && subscription.validAt(blockedAt)) {
        return Optional.of(blockedAt);
      }
    }
    return Optional.empty();
  }

  /** The version of the plan in force at {@code t} (docs/rerating.md, "Tariff versions"). */
  public Optional<PricePlan> plan(String planId, Instant t) {
    return Optional.ofNullable(Versioned.inForce(plans.get(planId), t));
  }

  /** The version of the rate row in force at {@code t}. */
  public Optional<Rate> rate(String planId, Service service, String zone, Instant t) {
    EnumMap<Service, Map<String, Rate[]>> byService = rates.get(planId);
    Map<String, Rate[]> byZone = byService == null ? null : byService.get(service);
    return Optional.ofNullable(Versioned.inForce(byZone == null ? null : byZone.get(zone), t));
  }

  /** The special-number row with the longest prefix of {@code e164}, if any. */
  public Optional<SpecialNumber> specialNumber(String e164) {
    return Optional.ofNullable(longestPrefix(specialNumbers, specialNumberLengths, e164));
  }

  public Optional<CountryZone> countryZone(String iso2) {
    return iso2 == null ? Optional.empty() : Optional.ofNullable(countryZones.get(iso2));
  }

  /**
   * The operator of a number at {@code t}: the latest porting valid at {@code t}, else the longest
   * matching number range.
   */
  public Optional<String> operatorOf(String e164, Instant t) {
    PortedNumber[] portings = portingsByMsisdn.get(e164);
    if (portings != null) {
      for (int i = portings.length - 1; i >= 0; i--) {
        if (!portings[i].validFrom().isAfter(t)) {
          return Optional.of(portings[i].operatorId());
        }
      }
    }
    return Optional.ofNullable(longestPrefix(operatorByRange, rangeLengths, e164));
  }

  public Optional<String> partnerOfOperator(String operatorId) {
    return Optional.ofNullable(partnerByOperator.get(operatorId));
  }

  public Optional<String> partnerOfTrunk(String trunkId) {
    return trunkId == null ? Optional.empty() : Optional.ofNullable(partnerByTrunk.get(trunkId));
  }

  public Optional<String> transitPartner(String country) {
    return country == null
        ? Optional.empty()
        : Optional.ofNullable(transitPartnerByCountry.get(country));
  }

  /** The interconnect rate of that key in force at {@code t} (latest valid_from at or before t). */
  public Optional<InterconnectRate> interconnectRate(
      String partnerId, String direction, String product, Instant t) {
    InterconnectRate[] all = interconnectRates.get(interconnectKey(partnerId, direction, product));
    if (all == null) {
      return Optional.empty();
    }
    for (int i = all.length - 1; i >= 0; i--) {
      if (!all[i].validFrom().isAfter(t)) {
        return Optional.of(all[i]);
      }
    }
    return Optional.empty();
  }

  /**
   * The billing period a line of {@code usagePeriod} goes to when processed at {@code now}: its own
   * period while open, else the first open period after it (a period with no row is open).
   */
  public YearMonth billingPeriodFor(YearMonth usagePeriod, Instant now) {
    YearMonth p = usagePeriod;
    while (isClosed(p, now)) {
      p = p.plusMonths(1);
    }
    return p;
  }

  public boolean isClosed(YearMonth period, Instant now) {
    Instant closedAt = periodClosedAt.get(period);
    return closedAt != null && !closedAt.isAfter(now);
  }

  /** The cutoff of the latest completed anonymisation run: older events are rejected TOO_OLD. */
  public Optional<Instant> anonymisationCutoff() {
    return Optional.ofNullable(anonymisationCutoff);
  }

  public int subscriptionCount() {
    return subscriptionsByMsisdn.size();
  }

  private static <V> V longestPrefix(Map<String, V> byPrefix, int[] lengths, String number) {
    if (number == null) {
      return null;
    }
    // Only the lengths some prefix has: a number is looked up this way three times a record, and
    // trying every length made a string and a hash for each (docs/benchmarks.md).
    for (int len : lengths) {
      if (len <= number.length()) {
        V v = byPrefix.get(number.substring(0, len));
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  /**
   * The distinct lengths of {@code prefixes} of at most {@value #MAX_E164_LENGTH}, longest first.
   */
  private static int[] lengthsOf(Set<String> prefixes) {
    return prefixes.stream()
        .mapToInt(String::length)
        .filter(l -> l > 0 && l <= MAX_E164_LENGTH)
        .distinct()
        .map(l -> -l)
        .sorted()
        .map(l -> -l)
        .toArray();
  }

  private static String rateKey(String planId, Service service, String zone) {
    return planId + '|' + service + '|' + zone;
  }

  private static String interconnectKey(String partnerId, String direction, String product) {
    return partnerId + '|' + direction + '|' + product;
  }

  private static <T> Map<String, T> index(List<T> rows, Function<T, String> key) {
    Map<String, T> m = new HashMap<>(rows.size() * 2);
    for (T row : rows) {
      m.put(key.apply(row), row);
    }
    return m;
  }

  private static <T> Map<String, T[]> groupSorted(
      List<T> rows,
      Function<T, String> key,
      Comparator<T> order,
      java.util.function.IntFunction<T[]> array) {
    Map<String, List<T>> grouped = new HashMap<>(rows.size() * 2);
    for (T row : rows) {
      grouped.computeIfAbsent(key.apply(row), k -> new ArrayList<>(1)).add(row);
    }
    Map<String, T[]> result = new HashMap<>(grouped.size() * 2);
    grouped.forEach(
        (k, v) -> {
          v.sort(order);
          result.put(k, v.toArray(array.apply(0)));
        });
    return result;
  }

  /** Collects rows; {@link #build()} indexes them. */
  public static final class Builder {
    private long version;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<SimBlock> blocks = new ArrayList<>();
    private final List<PricePlan> plans = new ArrayList<>();
    private final List<Rate> rates = new ArrayList<>();
    private final List<SpecialNumber> specialNumbers = new ArrayList<>();
    private final List<CountryZone> countryZones = new ArrayList<>();
    private final Map<String, String> numberRanges = new HashMap<>();
    private final List<PortedNumber> portings = new ArrayList<>();
    private final List<Partner> partners = new ArrayList<>();
    private final Map<String, String> trunks = new HashMap<>();
    private final Map<String, String> transitRoutes = new HashMap<>();
    private final List<InterconnectRate> interconnectRates = new ArrayList<>();
    private final Map<YearMonth, Instant> periodClosedAt = new HashMap<>();
    private Instant anonymisationCutoff;
    private final List<FraudRule> fraudRules = new ArrayList<>();
    private final Map<String, String> highRiskDestinations = new HashMap<>();

    public Builder fraudRule(FraudRule r) {
      fraudRules.add(r);
      return this;
    }

    public Builder highRiskDestination(String prefix, String reason) {
      highRiskDestinations.put(prefix, reason == null ? "" : reason);
      return this;
    }

    public Builder version(long v) {
      this.version = v;
      return this;
    }

    public Builder subscription(Subscription s) {
      subscriptions.add(s);
      return this;
    }

    public Builder simBlock(SimBlock b) {
      blocks.add(b);
      return this;
    }

    public Builder plan(PricePlan p) {
      plans.add(p);
      return this;
    }

    public Builder rate(Rate r) {
      rates.add(r);
      return this;
    }

    public Builder specialNumber(SpecialNumber s) {
      specialNumbers.add(s);
      return this;
    }

    public Builder countryZone(CountryZone c) {
      countryZones.add(c);
      return this;
    }

    public Builder numberRange(String prefix, String operatorId) {
      numberRanges.put(prefix, operatorId);
      return this;
    }

    public Builder portedNumber(PortedNumber p) {
      portings.add(p);
      return this;
    }

    public Builder partner(Partner p) {
      partners.add(p);
      return this;
    }

    public Builder trunk(String trunkId, String partnerId) {
      trunks.put(trunkId, partnerId);
      return this;
    }

    public Builder transitRoute(String country, String partnerId) {
      transitRoutes.put(country, partnerId);
      return this;
    }

    public Builder interconnectRate(InterconnectRate r) {
      interconnectRates.add(r);
      return this;
    }

    public Builder billingPeriod(YearMonth period, Instant closedAt) {
      periodClosedAt.put(period, closedAt);
      return this;
    }

    public Builder anonymisationCutoff(Instant cutoff) {
      this.anonymisationCutoff = cutoff;
      return this;
    }

    public ReferenceData build() {
      return new ReferenceData(this);
    }
  }
}
