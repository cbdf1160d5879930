package org.cdrflow.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The business rules live in packages that import no Flink, Kafka, JDBC or command-line type and no
 * operator, job or connector code, and these packages do not depend on each other in a cycle
 * (docs/architecture.md, "Layout"). A Flink function is then a thin adapter around a rule, and a
 * rule can be read and tested without a cluster.
 */
class DomainLayoutTest {

  /** The packages that hold the rules and the records they take and return. */
  static final String[] DOMAIN_PACKAGES = {
    "org.cdrflow.domain..",
    "org.cdrflow.cdr..",
    "org.cdrflow.mediation..",
    "org.cdrflow.rating..",
    "org.cdrflow.settlement..",
    "org.cdrflow.numbers..",
  };

  /** What a rule may not touch: runtimes, transports, storage, the command line, the wiring. */
  static final String[] FORBIDDEN = {
    "org.apache.flink..",
    "org.apache.kafka..",
    "java.sql..",
    "javax.sql..",
    "picocli..",
    "org.cdrflow.cli..",
    "org.cdrflow.pipeline..",
    "org.cdrflow.jobs..",
    "org.cdrflow.connectors..",
  };

  /**
   * The classes of org.cdrflow.reference that load the reference records from PostgreSQL (JDBC and
   * the connection settings); everything else in that package is a plain record or a lookup.
   */
  static final String REFERENCE_LOADERS =
      "org\\.cdrflow\\.reference\\.(ReferenceSnapshotReader|LiveReferenceData|ReferenceDataProvider)"
          + "(\\$.*)?";

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(
                "org.cdrflow.domain",
                "org.cdrflow.cdr",
                "org.cdrflow.mediation",
                "org.cdrflow.rating",
                "org.cdrflow.settlement",
                "org.cdrflow.numbers",
                "org.cdrflow.reference");
  }

  @Test
  void rulesImportNoFlinkKafkaJdbcCliOrWiring() {
    noClasses()
        .that()
        .resideInAnyPackage(DOMAIN_PACKAGES)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(FORBIDDEN)
        .because("business rules are plain Java; Flink functions are thin adapters around them")
        .check(classes);
  }

  @Test
  void rulesDoNotLoadReferenceDataThemselves() {
    noClasses()
        .that()
        .resideInAnyPackage(DOMAIN_PACKAGES)
        .should()
        .dependOnClassesThat()
        .haveNameMatching(REFERENCE_LOADERS)
        .because("a rule takes the reference records it is given, however they were loaded")
        .check(classes);
  }

  @Test
  void referenceRecordsImportNoFlinkKafkaJdbcCliOrWiring() {
    noClasses()
        .that()
        .resideInAPackage("org.cdrflow.reference..")
        .and()
        .haveNameNotMatching(REFERENCE_LOADERS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(FORBIDDEN)
        .because("the reference records are what the rules read; only the loaders know JDBC")
        .check(classes);
  }

  @Test
  void domainPackagesHaveNoCycles() {
    slices()
        .matching("org.cdrflow.(*)..")
        .should()
        .beFreeOfCycles()
        .because("mediation uses rating and settlement rules; they share records via domain")
        .check(classes);
  }
}
