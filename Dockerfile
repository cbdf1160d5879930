# The cdrflow job image: the official Flink image, plus
#  - the streaming job's jar where the Helm chart's FlinkDeployment expects it, and
#  - the cdrflow command line, which the chart's migration hook and anonymisation CronJob run.
# Runs as the image's non-root flink user (uid 9999), as the chart's pods do.
# Build it from the repository root after packaging the jars (docs/operations.md, "Image"):
#   ./mvnw -B package -DskipTests -pl jobs -am
#   docker build -t registry.example.com/cdrflow/cdrflow:0.1.0 .
FROM flink:2.2.1-java17

# The job jar (Flink itself is provided by the image). application mode runs it from usrlib.
COPY jobs/target/cdrflow-jobs-*-job.jar /opt/flink/usrlib/cdrflow-job.jar

# The command line on its own classpath, Flink included (it runs the bounded anonymisation job on
# an embedded MiniCluster), independent of /opt/flink/lib.
COPY jobs/target/cdrflow-jobs.jar /opt/cdrflow/cdrflow-jobs.jar
COPY jobs/target/lib/ /opt/cdrflow/lib/
COPY bin/log4j2-cli.properties /opt/cdrflow/log4j2-cli.properties
RUN printf '%s\n' \
      '#!/bin/sh' \
      '# Runs the cdrflow command line; the heap follows the container memory limit.' \
      'exec java ${CDRFLOW_JAVA_OPTS:--XX:MaxRAMPercentage=75} \' \
      '  -Dlog4j.configurationFile=/opt/cdrflow/log4j2-cli.properties \' \
      '  -cp "/opt/cdrflow/cdrflow-jobs.jar:/opt/cdrflow/lib/*" org.cdrflow.cli.Cdrflow "$@"' \
      > /usr/local/bin/cdrflow \
 && chmod 0755 /usr/local/bin/cdrflow

# The container runs as the unprivileged flink user of the base image (uid 9999), never as root.
USER 9999:9999
