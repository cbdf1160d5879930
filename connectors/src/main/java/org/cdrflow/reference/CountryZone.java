package org.cdrflow.reference;

/** One row of {@code country_zone}: the roaming/international zone of a country. */
public record CountryZone(String country, String zone, boolean nordicBaltic)
    implements java.io.Serializable {}
