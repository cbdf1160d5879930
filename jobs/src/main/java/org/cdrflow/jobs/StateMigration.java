package org.cdrflow.jobs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.runtime.kryo.JavaSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.pipeline.CallAssembler;
import org.cdrflow.pipeline.CallAssemblySerializer;
import org.cdrflow.pipeline.CallAssemblyState;
import org.cdrflow.pipeline.CallKeyHash;
import org.cdrflow.pipeline.EventTimeRater;
import org.cdrflow.pipeline.RatingLedger;
import org.cdrflow.pipeline.RatingLedgerSerializer;
import org.cdrflow.pipeline.StateKeySerializer;
import org.cdrflow.pipeline.StateValueSerializers;
import org.cdrflow.rating.PeriodUsage;
import org.cdrflow.rating.PresenceDays;

/**
 * Rewrites a savepoint of release 52201b6 so that this build restores it ({@code cdrflow
 * migrate-state}, docs/operations.md "Upgrade"). That release kept the calls of {@code
 * assemble-calls} (buffered partials) and {@code rate} (calls held for the watermark) in keyed
 * state under Flink's POJO serializer, which names the class: {@code
 * org.cdrflow.mediation.MediatedCall} with its {@code org.cdrflow.mediation.VisitedZone}. Those
 * classes now live in {@code org.cdrflow.domain}, so Flink cannot read that state any more. The two
 * operators are read with the old classes (kept for this only), every call is copied field by field
 * into the new class, and the operators are written anew with their timers; every other operator's
 * state is carried over untouched. The subscriptions of {@code rate} also get the daily end check
 * the old release did not have, so their state ends (docs/architecture.md, "State that ends").
 *
 * <p>What changes on the way: the time-to-live of the duplicate entries of {@code assemble-calls}
 * starts again at the migration (Flink's reader does not hand out the old write times), so an entry
 * is kept up to one dedup window longer than it would have been; a duplicate is never let through.
 */
public final class StateMigration {
  static final String ASSEMBLE_CALLS = "assemble-calls";
  static final String RATE = "rate";

  private StateMigration() {}

  /**
   * Reads the savepoint (or retained checkpoint) in {@code savepoint}, writes the migrated one to
   * {@code out} (which must not exist or be empty). The output references the untouched operators'
   * state files of the input: keep the input until the job took its own savepoint.
   */
  public static void migrate(Path savepoint, Path out) throws Exception {
    if (Files.isDirectory(out)) {
      try (var files = Files.list(out)) {
        if (files.findAny().isPresent()) {
          throw new IllegalArgumentException("--out must be a new or empty folder: " + out);
        }
      }
    }
    // The savepoint names its layout only in its serializers' snapshots, so each known layout is
    // tried in turn, oldest first; one whose readers cannot restore the state fails at once.
    Exception first = null;
    for (Layout layout : Layout.values()) {
      try {
        migrate(savepoint, out, layout);
        return;
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
        deleteContents(out);
      }
    }
    throw first;
  }

  /** The keyed-state layouts {@code migrate-state} reads. */
  enum Layout {
    /** Release 52201b6: string call keys, calls under {@code org.cdrflow.mediation}. */
    RELEASE_52201B6(true, true),
    /** The builds after it: string call keys, calls under {@code org.cdrflow.domain}. */
    STRING_CALL_KEYS(true, false),
    /**
     * This build's ({@link CallKeyHash} keys, one ledger per subscription): {@code assemble-calls}
     * is carried over as it is, so migrating twice does no harm.
     */
    HASHED_CALL_KEYS(false, false);

    final boolean callsByString;
    final boolean legacyCalls;

    Layout(boolean callsByString, boolean legacyCalls) {
      this.callsByString = callsByString;
      this.legacyCalls = legacyCalls;
    }
  }

  private static void deleteContents(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }

  private static void migrate(Path savepoint, Path out, Layout layout) throws Exception {
    Configuration conf = new Configuration();
    // The writer hands the untouched operators' state on as OperatorState records through Kryo,
    // whose generated constructor accessors cannot reach Flink's package-private handle classes on
    // Java 17 (IllegalAccessError): Java serialization, which those classes support, instead.
    conf.set(
        PipelineOptions.SERIALIZATION_CONFIG,
        List.of(
            OperatorState.class.getName()
                + ": {type: kryo, kryo-type: default, class: "
                + JavaSerializer.class.getName()
                + "}"));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(1);
    String in = savepoint.toAbsolutePath().toUri().toString();
    SavepointReader reader = SavepointReader.read(env, in, new HashMapStateBackend());

    DataStream<SubscriptionEntry> subscriptions =
        reader.readKeyedState(
            OperatorIdentifier.forUid(RATE),
            new SubscriptionReader(layout.legacyCalls),
            StateKeySerializer.TYPE,
            TypeInformation.of(SubscriptionEntry.class));

    StateBootstrapTransformation<SubscriptionEntry> rating =
        OperatorTransformation.bootstrapWith(subscriptions)
            .keyBy(e -> e.key, StateKeySerializer.TYPE)
            .transform(new SubscriptionWriter());

    SavepointWriter writer =
        SavepointWriter.fromExistingSavepoint(env, in, new HashMapStateBackend())
            .removeOperator(OperatorIdentifier.forUid(RATE))
            .withOperator(OperatorIdentifier.forUid(RATE), rating);
    if (layout.callsByString) {
      DataStream<CallEntry> calls =
          reader.readKeyedState(
              OperatorIdentifier.forUid(ASSEMBLE_CALLS),
              new CallReader(layout.legacyCalls),
              StateKeySerializer.TYPE,
              TypeInformation.of(CallEntry.class));
      // The string key of a call becomes its 64-bit hash (CallKeyHash), its entry the compact one.
      StateBootstrapTransformation<CallEntry> assembly =
          OperatorTransformation.bootstrapWith(calls)
              .keyBy(e -> CallKeyHash.of(e.key), Types.LONG)
              .transform(new CallWriter());
      writer =
          writer
              .removeOperator(OperatorIdentifier.forUid(ASSEMBLE_CALLS))
              .withOperator(OperatorIdentifier.forUid(ASSEMBLE_CALLS), assembly);
    }
    writer.write(out.toAbsolutePath().toUri().toString());
    env.execute("cdrflow migrate-state");
  }

  /** Copies a call of the old class into the new one, field by field by name. */
  static MediatedCall carriedOver(org.cdrflow.mediation.MediatedCall old) {
    MediatedCall call = new MediatedCall();
    try {
      for (Field from : org.cdrflow.mediation.MediatedCall.class.getFields()) {
        if (Modifier.isStatic(from.getModifiers())) {
          continue;
        }
        Field to = MediatedCall.class.getField(from.getName());
        Object value = from.get(old);
        if (value instanceof Enum<?> e && !to.getType().isInstance(value)) {
          value = enumNamed(to.getType(), e.name());
        }
        to.set(call, value);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the call of release 52201b6 no longer maps: " + e, e);
    }
    // The old release resolved no tariff: the rater prices such a call with today's rule
    // (EventTimeRater, "pricedAfterUpgrade").
    call.tariff = null;
    return call;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumNamed(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }

  /** The descriptors as the old release and this build declare them (names and types agree). */
  static StateTtlConfig dedupTtl() {
    // Only that the state has a time-to-live is part of the savepoint; the length comes from the
    // job's dedup.window when it runs.
    return StateTtlConfig.newBuilder(Duration.ofDays(7))
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .build();
  }

  /** One call key of {@code assemble-calls}: its entry, its buffered partials, its timers. */
  public static class CallEntry {
    public String key;
    public CallAssemblyState assembly;
    public HashMap<Integer, MediatedCall> partials = new HashMap<>();
    public ArrayList<Long> eventTimers = new ArrayList<>();
    public ArrayList<Long> processingTimers = new ArrayList<>();

    public CallEntry() {}
  }

  /** One subscription of {@code rate}: calls held per event time, usage, presence, timers. */
  public static class SubscriptionEntry {
    public String key;
    public TreeMap<Long, ArrayList<MediatedCall>> held = new TreeMap<>();
    public HashMap<String, PeriodUsage> usage = new HashMap<>();
    public PresenceDays presence;
    public Long endCheckAt;
    public ArrayList<Long> eventTimers = new ArrayList<>();
    public ArrayList<Long> processingTimers = new ArrayList<>();

    public SubscriptionEntry() {}
  }

  /**
   * Reads {@code assemble-calls} keyed by the string call key: partials of release 52201b6's class
   * ({@code legacy}), or of {@link MediatedCall} (the builds after it, before {@link CallKeyHash}).
   */
  static class CallReader extends KeyedStateReaderFunction<String, CallEntry> {
    private final boolean legacy;
    private transient ValueState<CallAssemblyState> assembly;
    private transient MapState<Integer, Object> partials;

    CallReader(boolean legacy) {
      this.legacy = legacy;
    }

    @Override
    public void open(OpenContext ctx) {
      ValueStateDescriptor<CallAssemblyState> a =
          new ValueStateDescriptor<>("assembly", StateValueSerializers.CALL_ASSEMBLY);
      a.enableTimeToLive(dedupTtl());
      assembly = getRuntimeContext().getState(a);
      MapStateDescriptor<Integer, Object> p =
          new MapStateDescriptor<>("partials", Types.INT, storedCallType(legacy));
      p.enableTimeToLive(dedupTtl());
      partials = getRuntimeContext().getMapState(p);
    }

    @Override
    public void readKey(String key, Context ctx, Collector<CallEntry> out) throws Exception {
      CallEntry e = new CallEntry();
      e.key = key;
      e.assembly = assembly.value();
      for (Map.Entry<Integer, Object> p : partials.entries()) {
        e.partials.put(p.getKey(), asCall(p.getValue()));
      }
      e.eventTimers.addAll(ctx.registeredEventTimeTimers());
      e.processingTimers.addAll(ctx.registeredProcessingTimeTimers());
      if (e.assembly != null || !e.partials.isEmpty() || !e.eventTimers.isEmpty()) {
        out.collect(e);
      }
    }
  }

  /** How a layout kept calls in keyed state: under 52201b6's class, or under this build's. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static TypeInformation<Object> storedCallType(boolean legacy) {
    return legacy
        ? (TypeInformation) Types.POJO(org.cdrflow.mediation.MediatedCall.class)
        : (TypeInformation) EventTimeRater.CALL_STATE_TYPE;
  }

  static MediatedCall asCall(Object stored) {
    return stored instanceof org.cdrflow.mediation.MediatedCall old
        ? carriedOver(old)
        : (MediatedCall) stored;
  }

  /** Writes {@code assemble-calls} in this build's layout: hashed keys, compact entries. */
  static class CallWriter extends KeyedStateBootstrapFunction<Long, CallEntry> {
    private transient ValueState<CallAssemblyState> assembly;
    private transient MapState<Integer, MediatedCall> partials;

    @Override
    public void open(OpenContext ctx) {
      // The descriptors of CallAssembler.open, byte for byte in their serializers.
      ValueStateDescriptor<CallAssemblyState> a =
          new ValueStateDescriptor<>("assembly", CallAssemblySerializer.TYPE);
      a.enableTimeToLive(dedupTtl());
      assembly = getRuntimeContext().getState(a);
      MapStateDescriptor<Integer, MediatedCall> p =
          new MapStateDescriptor<>("partials", Types.INT, CallAssembler.CALL_STATE_TYPE);
      p.enableTimeToLive(dedupTtl());
      partials = getRuntimeContext().getMapState(p);
    }

    @Override
    public void processElement(CallEntry e, Context ctx) throws Exception {
      if (e.assembly != null) {
        assembly.update(e.assembly);
      }
      partials.putAll(e.partials);
      for (long t : e.eventTimers) {
        ctx.timerService().registerEventTimeTimer(t);
      }
      for (long t : e.processingTimers) {
        ctx.timerService().registerProcessingTimeTimer(t);
      }
    }
  }

  /** Reads {@code rate} of every layout; held calls of 52201b6's class when {@code legacy}. */
  static class SubscriptionReader extends KeyedStateReaderFunction<String, SubscriptionEntry> {
    private final boolean legacy;
    private transient MapState<Long, List<Object>> held;
    private transient MapState<String, PeriodUsage> usage;
    private transient ValueState<PresenceDays> presence;
    private transient ValueState<Long> endCheckAt;
    private transient ValueState<RatingLedger> ledger;

    SubscriptionReader(boolean legacy) {
      this.legacy = legacy;
    }

    @Override
    public void open(OpenContext ctx) {
      // This build's ledger: read when a migrated savepoint is migrated again.
      ledger =
          getRuntimeContext()
              .getState(
                  new ValueStateDescriptor<>(
                      EventTimeRater.LEDGER_STATE, RatingLedgerSerializer.TYPE));
      held =
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>("held", Types.LONG, Types.LIST(storedCallType(legacy))));
      usage =
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>(
                      "usage", Types.STRING, StateValueSerializers.PERIOD_USAGE));
      presence =
          getRuntimeContext()
              .getState(
                  new ValueStateDescriptor<>("presence", StateValueSerializers.PRESENCE_DAYS));
      // Not in release 52201b6: read when a savepoint of a later build is migrated again.
      endCheckAt =
          getRuntimeContext().getState(new ValueStateDescriptor<>("end-check-at", Types.LONG));
    }

    @Override
    public void readKey(String key, Context ctx, Collector<SubscriptionEntry> out)
        throws Exception {
      SubscriptionEntry e = new SubscriptionEntry();
      e.key = key;
      for (Map.Entry<Long, List<Object>> h : held.entries()) {
        ArrayList<MediatedCall> calls = new ArrayList<>(h.getValue().size());
        for (Object c : h.getValue()) {
          calls.add(asCall(c));
        }
        e.held.put(h.getKey(), calls);
      }
      for (Map.Entry<String, PeriodUsage> u : usage.entries()) {
        e.usage.put(u.getKey(), u.getValue());
      }
      e.presence = presence.value();
      e.endCheckAt = endCheckAt.value();
      RatingLedger l = ledger.value();
      if (l != null) {
        e.usage.putAll(l.periods);
        e.presence = l.presence;
        e.endCheckAt = l.hasEndCheck() ? l.endCheckAt : null;
      }
      e.eventTimers.addAll(ctx.registeredEventTimeTimers());
      e.processingTimers.addAll(ctx.registeredProcessingTimeTimers());
      out.collect(e);
    }
  }

  /** Writes {@code rate} in this build's layout: held calls, and one ledger per subscription. */
  static class SubscriptionWriter extends KeyedStateBootstrapFunction<String, SubscriptionEntry> {
    private transient MapState<Long, List<MediatedCall>> held;
    private transient ValueState<RatingLedger> ledger;

    @Override
    public void open(OpenContext ctx) {
      // The descriptors of EventTimeRater.open.
      held =
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>(
                      "held", Types.LONG, Types.LIST(EventTimeRater.CALL_STATE_TYPE)));
      ledger =
          getRuntimeContext()
              .getState(
                  new ValueStateDescriptor<>(
                      EventTimeRater.LEDGER_STATE, RatingLedgerSerializer.TYPE));
    }

    @Override
    public void processElement(SubscriptionEntry e, Context ctx) throws Exception {
      Set<Long> eventTimers = new TreeSet<>(e.eventTimers);
      for (Map.Entry<Long, ArrayList<MediatedCall>> h : e.held.entrySet()) {
        held.put(h.getKey(), new ArrayList<>(h.getValue()));
        // Every held call is rated by the timer at its event time.
        eventTimers.add(h.getKey());
      }
      for (long t : eventTimers) {
        ctx.timerService().registerEventTimeTimer(t);
      }
      Set<Long> processingTimers = new TreeSet<>(e.processingTimers);
      boolean holdsState = !e.usage.isEmpty() || e.presence != null || !e.held.isEmpty();
      if (!holdsState) {
        return;
      }
      RatingLedger l = new RatingLedger();
      l.periods.putAll(e.usage);
      l.presence = e.presence;
      if (e.endCheckAt != null) {
        l.endCheckAt = e.endCheckAt;
      } else {
        // Release 52201b6 had no end check: schedule the first one as a new subscription would.
        l.endCheckAt = ctx.timerService().currentProcessingTime() + EventTimeRater.END_CHECK_MS;
      }
      processingTimers.add(l.endCheckAt);
      ledger.update(l);
      for (long t : processingTimers) {
        ctx.timerService().registerProcessingTimeTimer(t);
      }
    }
  }
}
