package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code --config} file that holds a password must be private to its owner, as ssh insists for
 * private keys; the password itself never shows in a message or in the printed configuration.
 */
class ConfigFilesTest {
  private static final String PASSWORD = "Xq7-s3cr3t-Pa55w0rd-7731";
  private static final String WITH_PASSWORD =
      "home.operator-id=HOME\n"
          + "jdbc.url=jdbc:postgresql://db.invalid:5432/cdrflow\n"
          + "jdbc.user=cdr_mediation\n"
          + "jdbc.password="
          + PASSWORD
          + "\n";
  private static final String WITH_JAAS =
      "kafka.bootstrap.servers=kafka.invalid:9093\n"
          + "kafka.client.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
          + " required username=\"cdrflow\" password=\""
          + PASSWORD
          + "\";\n";

  @TempDir Path dir;

  @Test
  void aPasswordFileReadableByEveryoneIsRefusedWithTheFileAndTheFix() throws Exception {
    Path file = write("readable.properties", WITH_PASSWORD, "rw-r--r--");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigFiles.load(file));

    String message = e.getMessage();
    assertTrue(message.contains(file.toString()), "names the file: " + message);
    assertTrue(message.contains("chmod 600 " + file), "says how to fix it: " + message);
    assertFalse(message.contains(PASSWORD), "never shows the password");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-rw-rw-"})
  void readableByGroupOrOthersIsEnoughToRefuse(String mode) throws Exception {
    Path file = write("shared.properties", WITH_PASSWORD, mode);

    assertThrows(IllegalArgumentException.class, () -> ConfigFiles.load(file));
  }

  @Test
  void aKafkaJaasSecretCountsAsAPassword() throws Exception {
    Path file = write("kafka.properties", WITH_JAAS, "rw-r--r--");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigFiles.load(file));
    assertFalse(e.getMessage().contains(PASSWORD));
  }

  @Test
  void aPasswordFileOnlyItsOwnerCanReadIsUsed() throws Exception {
    Path file = write("private.properties", WITH_PASSWORD, "rw-------");

    CdrflowConfig config = ConfigFiles.load(file);

    assertEquals(PASSWORD, config.jdbc().password());
    assertEquals("cdr_mediation", config.jdbc().user());
  }

  @Test
  void aFileWithoutSecretsMayBeReadableByEveryone() throws Exception {
    Path file =
        write(
            "public.properties",
            "home.operator-id=HOME\nkafka.bootstrap.servers=kafka.invalid:9092\n",
            "rw-r--r--");

    CdrflowConfig config = ConfigFiles.load(file);

    assertEquals("kafka.invalid:9092", config.get(CdrflowConfig.KAFKA_BOOTSTRAP));
  }

  @Test
  void thePrintedConfigurationMasksEverySecret() throws Exception {
    CdrflowConfig config =
        ConfigFiles.load(write("private.properties", WITH_PASSWORD + WITH_JAAS, "rw-------"));

    String printed = config.toString();
    assertFalse(printed.contains(PASSWORD), printed);
    assertTrue(printed.contains("jdbc.password=****"), printed);
    assertTrue(printed.contains("jdbc.user=cdr_mediation"), "the rest stays readable: " + printed);
    assertFalse(config.jdbc().toString().contains(PASSWORD), config.jdbc().toString());
  }

  @Test
  void aCommandRefusesTheFileAndPrintsNoPassword() throws Exception {
    Path file = write("readable.properties", WITH_PASSWORD, "rw-r--r--");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      exit = Cdrflow.run("migrate", "--config", file.toString());
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    assertEquals(2, exit, "a refused input is a usage error");
    String printed = err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("chmod 600 " + file), printed);
    assertFalse(printed.contains(PASSWORD), printed);
  }

  @ParameterizedTest
  @CsvSource({
    "dedup.windw, dedup.window",
    "kafka.topic.rejects, kafka.topic.rejected",
    "job.paralelism, job.parallelism",
    "jdbc.username, jdbc.user",
    "watermark.idle, watermark.idleness",
  })
  void anUnknownKeyIsRefusedNamingTheNearestKnownOne(String misspelt, String meant)
      throws Exception {
    Path file = write("typo.properties", misspelt + "=1\n", "rw-------");

    UsageError e = assertThrows(UsageError.class, () -> ConfigFiles.load(file));

    assertTrue(
        e.getMessage()
            .startsWith(
                "--config "
                    + file
                    + ": unknown key '"
                    + misspelt
                    + "'; did you mean '"
                    + meant
                    + "'?"),
        e.getMessage());
  }

  @Test
  void kafkaClientSettingsAndEveryDocumentedKeyAreAccepted() throws Exception {
    StringBuilder sb = new StringBuilder("kafka.client.security.protocol=PLAINTEXT\n");
    for (String key : CdrflowConfig.KNOWN_KEYS) {
      if (!key.contains("password")) {
        sb.append(key).append("=1\n");
      }
    }
    Path file = write("all.properties", sb.toString(), "rw-------");

    assertEquals(Set.of(), ConfigFiles.load(file).unknownKeys());
  }

  @Test
  void everyKnownKeyIsDocumentedInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String configuration =
        readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## Where things are"));
    for (String key : CdrflowConfig.KNOWN_KEYS) {
      assertTrue(configuration.contains("`" + key + "`"), key + " is in README, Configuration");
    }
  }

  @Test
  void aMissingFileIsNamedAsSuch() {
    Path missing = dir.resolve("missing.properties");

    UsageError e = assertThrows(UsageError.class, () -> ConfigFiles.load(missing));

    assertEquals("--config " + missing + ": no such file", e.getMessage());
  }

  private Path write(String name, String content, String mode) throws Exception {
    Path file = dir.resolve(name);
    Files.deleteIfExists(file);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }
}
