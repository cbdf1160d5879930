package org.cdrflow.collector.job;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.cdrflow.collector.ber.CollectedFile;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts for each file in {@code collected_file} and passes the records of files to send on to
 * the raw topic's sink. A file is marked COLLECTED once a checkpoint that covers its records has
 * completed (the Kafka sink flushes at every checkpoint); until then it stays COLLECTING, and a
 * collector that restarts without that checkpoint sends it again (mediation drops the copies as
 * duplicates).
 */
public final class AccountFiles extends ProcessFunction<CollectedFile, TopicRecord>
    implements CheckpointedFunction, CheckpointListener {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AccountFiles.class);

  private final CdrflowConfig.JdbcSettings jdbc;

  private transient Connection connection;
  private transient FileLedger ledger;
  private transient List<String> sentSinceSnapshot;
  private transient TreeMap<Long, List<String>> awaitingCheckpoint;

  public AccountFiles(CdrflowConfig.JdbcSettings jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void open(OpenContext context) throws Exception {
    connection = jdbc.connect();
    ledger = new FileLedger(connection);
  }

  @Override
  public void processElement(CollectedFile f, Context ctx, Collector<TopicRecord> out)
      throws Exception {
    FileLedger.Decision decision = ledger.admit(f);
    switch (decision) {
      case SEND -> {
        for (int i = 0; i < f.keys().size(); i++) {
          out.collect(new TopicRecord(f.keys().get(i), f.values().get(i)));
        }
        sentSinceSnapshot.add(f.sha256());
        LOG.info(
            "Collected {}: {} records, {} rejected",
            f.name(),
            f.records() - f.rejections().size(),
            f.rejections().size());
      }
      case DUPLICATE -> LOG.info("Skipped {}: its content was collected before", f.name());
      case HELD ->
          LOG.warn(
              "Holding {}: it ends inside a record; deliver it whole or release it"
                  + " (cdrflow collect --release)",
              f.name());
    }
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {
    sentSinceSnapshot = new ArrayList<>();
    awaitingCheckpoint = new TreeMap<>();
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    if (!sentSinceSnapshot.isEmpty()) {
      awaitingCheckpoint.put(context.getCheckpointId(), sentSinceSnapshot);
      sentSinceSnapshot = new ArrayList<>();
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    Map<Long, List<String>> done = awaitingCheckpoint.headMap(checkpointId, true);
    if (done.isEmpty()) {
      return;
    }
    List<String> files = new ArrayList<>();
    done.values().forEach(files::addAll);
    ledger.confirm(files);
    done.clear();
  }

  @Override
  public void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
  }
}
