package org.cdrflow.reference;

/** One row of {@code partner}: an operator or carrier we settle interconnect traffic with. */
public record Partner(String partnerId, String name, String operatorId)
    implements java.io.Serializable {}
