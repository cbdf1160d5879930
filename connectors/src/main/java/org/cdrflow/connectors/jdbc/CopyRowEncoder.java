package org.cdrflow.connectors.jdbc;

import java.io.Serializable;

/**
 * Writes one element as a row of its table: one {@link CopyRow} call per column, in the order of
 * {@link UpsertTable#columns()}. Serializable, because it travels with the Flink sink.
 */
@FunctionalInterface
public interface CopyRowEncoder<T> extends Serializable {
  void encode(T element, CopyRow row);
}
