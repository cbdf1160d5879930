{{/*
Name of the chart, or nameOverride.
*/}}
{{- define "cdrflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name: fullnameOverride, else "<release>-<name>" (just the release name
when it already contains the chart name). 40 characters at most: the operator and Kubernetes
derive longer names from it (e.g. "<name>-rest", "<name>-anonymise-<schedule time>").
*/}}
{{- define "cdrflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "cdrflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that select the pods of one component of this release.
*/}}
{{- define "cdrflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cdrflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of every resource of the chart.
*/}}
{{- define "cdrflow.labels" -}}
helm.sh/chart: {{ include "cdrflow.chart" . }}
{{ include "cdrflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cdrflow
{{- end }}

{{/*
The job image reference.
*/}}
{{- define "cdrflow.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Name of the service account of the Flink pods.
*/}}
{{- define "cdrflow.serviceAccountName" -}}
{{- .Values.serviceAccount.name }}
{{- end }}

{{/*
Name of the ConfigMap with the job configuration files.
*/}}
{{- define "cdrflow.configMapName" -}}
{{- printf "%s-config" (include "cdrflow.fullname" .) }}
{{- end }}

{{/*
Where the configuration files are mounted in every pod.
*/}}
{{- define "cdrflow.configDir" -}}
/opt/cdrflow/config
{{- end }}

{{/*
Where the Kafka CA certificate is mounted.
*/}}
{{- define "cdrflow.kafkaTlsDir" -}}
/opt/cdrflow/kafka-tls
{{- end }}

{{/*
Where the database CA certificate is mounted.
*/}}
{{- define "cdrflow.dbTlsDir" -}}
/opt/cdrflow/db-tls
{{- end }}

{{/*
Whether the Kafka clients log in with SASL.
*/}}
{{- define "cdrflow.kafkaSasl" -}}
{{- if eq .Values.kafka.security.protocol "SASL_SSL" }}true{{ end }}
{{- end }}

{{/*
Properties every configuration file shares: our operator id, the database URL and, so that no
command ever falls back to the embedded local stack, the Kafka bootstrap servers.
*/}}
{{- define "cdrflow.commonProperties" -}}
home.operator-id={{ .Values.homeOperatorId }}
kafka.bootstrap.servers={{ .Values.kafka.bootstrapServers }}
jdbc.url={{ .Values.postgresql.jdbcUrl }}
{{- end }}

{{/*
Kafka client properties of the streaming job. The SASL password is written as a placeholder of
Kafka's EnvVarConfigProvider: the Kafka client itself reads it from the environment (filled from
the existing Secret), so it is in no file and in no Flink configuration the web UI shows.
*/}}
{{- define "cdrflow.kafkaClientProperties" -}}
{{- $k := .Values.kafka }}
kafka.client.security.protocol={{ $k.security.protocol }}
{{- if include "cdrflow.kafkaSasl" . }}
kafka.client.sasl.mechanism={{ $k.security.saslMechanism }}
kafka.client.config.providers=env
kafka.client.config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
{{- $module := ternary "org.apache.kafka.common.security.plain.PlainLoginModule" "org.apache.kafka.common.security.scram.ScramLoginModule" (eq $k.security.saslMechanism "PLAIN") }}
kafka.client.sasl.jaas.config={{ $module }} required username="{{ required "kafka.security.saslUsername is required for SASL_SSL" $k.security.saslUsername }}" password="${env:CDRFLOW_KAFKA_PASSWORD}";
{{- end }}
{{- if include "cdrflow.kafkaTls" . }}
kafka.client.ssl.truststore.type=PEM
kafka.client.ssl.truststore.location={{ include "cdrflow.kafkaTlsDir" . }}/{{ $k.security.truststoreSecret.key }}
{{- end }}
{{- range $key, $value := $k.clientProperties }}
kafka.client.{{ $key }}={{ $value }}
{{- end }}
{{- end }}

{{/*
Environment variable with the Kafka SASL password, from the existing Secret.
*/}}
{{- define "cdrflow.kafkaEnv" -}}
{{- if include "cdrflow.kafkaSasl" . }}
{{- $s := .Values.kafka.security.saslSecret }}
- name: CDRFLOW_KAFKA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.security.saslSecret.name is required for SASL_SSL" $s.name }}
      key: {{ $s.passwordKey }}
{{- end }}
{{- end }}

{{/*
The database password of one login, from its existing Secret. Argument: the login's values
(postgresql.mediation, .anonymiser or .migration).
*/}}
{{- define "cdrflow.jdbcPasswordEnv" -}}
- name: CDRFLOW_JDBC_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .passwordSecret.name }}
      key: {{ .passwordSecret.key }}
{{- end }}

{{/*
Whether the Kafka clients get a CA certificate to trust.
*/}}
{{- define "cdrflow.kafkaTls" -}}
{{- if and (ne .Values.kafka.security.protocol "PLAINTEXT") .Values.kafka.security.truststoreSecret.name }}true{{ end }}
{{- end }}

{{/*
Volume and mount of the Kafka CA certificate, when configured.
*/}}
{{- define "cdrflow.kafkaTlsVolumes" -}}
{{- if include "cdrflow.kafkaTls" . }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.security.truststoreSecret.name }}
    items:
      - key: {{ .Values.kafka.security.truststoreSecret.key }}
        path: {{ .Values.kafka.security.truststoreSecret.key }}
{{- end }}
{{- end }}

{{- define "cdrflow.kafkaTlsVolumeMounts" -}}
{{- if include "cdrflow.kafkaTls" . }}
- name: kafka-tls
  mountPath: {{ include "cdrflow.kafkaTlsDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/*
Volume and mount of the database CA certificate, when configured.
*/}}
{{- define "cdrflow.dbTlsVolumes" -}}
{{- if .Values.postgresql.caSecret.name }}
- name: db-tls
  secret:
    secretName: {{ .Values.postgresql.caSecret.name }}
    items:
      - key: {{ .Values.postgresql.caSecret.key }}
        path: {{ .Values.postgresql.caSecret.key }}
{{- end }}
{{- end }}

{{- define "cdrflow.dbTlsVolumeMounts" -}}
{{- if .Values.postgresql.caSecret.name }}
- name: db-tls
  mountPath: {{ include "cdrflow.dbTlsDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/*
Image pull secrets of every pod.
*/}}
{{- define "cdrflow.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Security context of the command-line containers (migration, anonymisation): the image's flink
user, nothing writable but /tmp.
*/}}
{{- define "cdrflow.cliSecurityContext" -}}
runAsNonRoot: true
runAsUser: 9999
runAsGroup: 9999
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Security context of the Flink containers (docs/operations.md, "Hardened pods"): the image's
flink user, no privilege escalation, no capability, the runtime's default seccomp profile, and a
read-only root file system unless security.readOnlyRootFilesystem is false.
*/}}
{{- define "cdrflow.flinkSecurityContext" -}}
runAsNonRoot: true
runAsUser: 9999
runAsGroup: 9999
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .Values.security.readOnlyRootFilesystem }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}
