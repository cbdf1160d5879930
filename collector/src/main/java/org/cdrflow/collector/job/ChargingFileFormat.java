package org.cdrflow.collector.job;

import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.cdrflow.collector.ber.ChargingFileDecoder;
import org.cdrflow.collector.ber.CollectedFile;

/**
 * Reads a charging file whole and decodes it into one {@link CollectedFile}: a file is accounted
 * for as a unit (its hash, whether it is complete), so it is never split. After a restore, a file
 * whose element was already emitted (the split's checkpointed position says one record) is not read
 * again.
 */
public final class ChargingFileFormat implements BulkFormat<CollectedFile, FileSourceSplit> {
  private static final long serialVersionUID = 1L;

  /** Larger files are a configuration error at the gateway, not charging data. */
  static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

  @Override
  public Reader<CollectedFile> createReader(Configuration config, FileSourceSplit split) {
    return new FileReader(split, false);
  }

  @Override
  public Reader<CollectedFile> restoreReader(Configuration config, FileSourceSplit split) {
    boolean emitted =
        split
            .getReaderPosition()
            .map(CheckpointedPosition::getRecordsAfterOffset)
            .map(n -> n > 0)
            .orElse(false);
    return new FileReader(split, emitted);
  }

  @Override
  public boolean isSplittable() {
    return false;
  }

  @Override
  public TypeInformation<CollectedFile> getProducedType() {
    return TypeInformation.of(CollectedFile.class);
  }

  private static final class FileReader implements Reader<CollectedFile> {
    private final FileSourceSplit split;
    private boolean done;

    FileReader(FileSourceSplit split, boolean done) {
      this.split = split;
      this.done = done;
    }

    @Override
    public RecordIterator<CollectedFile> readBatch() throws IOException {
      if (done) {
        return null;
      }
      done = true;
      Path path = split.path();
      if (split.fileSize() > MAX_FILE_BYTES) {
        throw new IOException(
            "charging file " + path.getName() + " is over " + MAX_FILE_BYTES + " bytes");
      }
      byte[] content;
      try (FSDataInputStream in = path.getFileSystem().open(path)) {
        content = ((InputStream) in).readAllBytes();
      }
      CollectedFile file =
          CollectedFile.of(path.getName(), content, false, new ChargingFileDecoder());
      SingletonResultIterator<CollectedFile> it = new SingletonResultIterator<>();
      it.set(file, CheckpointedPosition.NO_OFFSET, 1);
      return it;
    }

    @Override
    public void close() {}
  }
}
