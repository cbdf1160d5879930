package org.cdrflow.reference;

import java.time.Instant;

/** One row of {@code sim_block}: the moment the operator received the block notice for a SIM. */
public record SimBlock(String msisdn, Instant blockedAt) implements java.io.Serializable {}
