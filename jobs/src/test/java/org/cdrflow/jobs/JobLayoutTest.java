package org.cdrflow.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster jar is the job (docs/architecture.md, "Layout"): {@code cdrflow-jobs-*-job.jar}
 * leaves out the command line, the benchmark, the feed generator, the embedded stack and the
 * database migrations (the shade filter in jobs/pom.xml; JobJarIT checks the jar). That is only
 * safe while no class the jar keeps uses them: a class missing on the cluster fails when it is
 * first loaded, perhaps months into a run.
 */
class JobLayoutTest {

  /** What the job jar leaves out (jobs/pom.xml, maven-shade-plugin). */
  static final String[] TOOLS = {
    "org.cdrflow.cli..",
    "org.cdrflow.bench..",
    "org.cdrflow.generate..",
    "org.cdrflow.connectors.local..",
    "picocli..",
    "org.flywaydb..",
    "io.zonky..",
    "kafka..",
    "scala..",
  };

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The tools themselves need not be read: the rule is about the classes the jar keeps.
            .withImportOption(
                location ->
                    !location.contains("/org/cdrflow/cli/")
                        && !location.contains("/org/cdrflow/bench/")
                        && !location.contains("/org/cdrflow/generate/")
                        && !location.contains("/org/cdrflow/connectors/local/"))
            .importPackages("org.cdrflow");
  }

  @Test
  void theJobsUseNoneOfTheTools() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "org.cdrflow.cli..",
            "org.cdrflow.bench..",
            "org.cdrflow.generate..",
            "org.cdrflow.connectors.local..")
        .and()
        .doNotHaveFullyQualifiedName("org.cdrflow.connectors.db.DatabaseSchema")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(TOOLS)
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.cdrflow.connectors.db.DatabaseSchema")
        .because("the job jar that a Flink cluster runs leaves the tools out")
        .check(classes);
  }
}
