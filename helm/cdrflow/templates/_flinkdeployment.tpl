{{- /*
A FlinkDeployment of the chart (docs/operations.md), rendered once for the streaming job
(flinkdeployment.yaml) and, when collector.enabled, once for the collector
(collector-flinkdeployment.yaml): the same image, storage, HA, restarts, security and monitoring;
the job's entry class, arguments, parallelism and name suffix come with the call:
dict "root" $ "job" (dict "nameSuffix" "" "component" "flink" "entryClass" … "args" (list …)
"parallelism" N).
*/}}
{{- define "cdrflow.flinkDeployment" -}}
{{- $job := .job }}
{{- with .root }}
{{- $f := .Values.flink }}
{{- $cp := $f.checkpointing }}
{{- $rs := $f.restartStrategy }}
{{- if gt (int $f.parallelism) (int $f.maxParallelism) }}
{{- fail (printf "flink.parallelism %v exceeds flink.maxParallelism %v" $f.parallelism $f.maxParallelism) }}
{{- end }}
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: {{ include "cdrflow.fullname" . }}{{ $job.nameSuffix }}
  labels:
    {{- include "cdrflow.labels" . | nindent 4 }}
    app.kubernetes.io/component: {{ $job.component }}
spec:
  image: {{ include "cdrflow.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  flinkVersion: {{ $f.version }}
  serviceAccount: {{ include "cdrflow.serviceAccountName" . }}
  restartNonce: {{ $f.restartNonce }}
  flinkConfiguration:
    {{- $conf := dict
      "taskmanager.numberOfTaskSlots" ($f.taskManager.slots | toString)
      "pipeline.max-parallelism" ($f.maxParallelism | toString)
      "state.backend.type" "rocksdb"
      "execution.checkpointing.incremental" "true"
      "state.backend.rocksdb.use-bloom-filter" "true"
      "execution.checkpointing.dir" $f.storage.checkpointDir
      "execution.checkpointing.savepoint-dir" $f.storage.savepointDir
      "execution.checkpointing.interval" $cp.interval
      "execution.checkpointing.timeout" $cp.timeout
      "execution.checkpointing.min-pause" $cp.minPause
      "execution.checkpointing.tolerable-failed-checkpoints" ($cp.tolerableFailures | toString)
      "execution.checkpointing.num-retained" ($cp.retained | toString)
      "execution.checkpointing.externalized-checkpoint-retention" "RETAIN_ON_CANCELLATION"
      "high-availability.type" "kubernetes"
      "high-availability.storageDir" $f.storage.haDir
      "restart-strategy.type" $rs.type
      "metrics.reporter.prom.factory.class" "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
      "metrics.reporter.prom.port" (.Values.metrics.port | toString)
      "kubernetes.operator.savepoint.history.max.count" ($f.periodicSavepoint.maxCount | toString)
    }}
    {{- if eq $rs.type "exponential-delay" }}
    {{- $_ := set $conf "restart-strategy.exponential-delay.initial-backoff" $rs.initialBackoff }}
    {{- $_ := set $conf "restart-strategy.exponential-delay.max-backoff" $rs.maxBackoff }}
    {{- else }}
    {{- $_ := set $conf "restart-strategy.fixed-delay.attempts" ($rs.attempts | toString) }}
    {{- $_ := set $conf "restart-strategy.fixed-delay.delay" $rs.initialBackoff }}
    {{- end }}
    {{- with $f.periodicSavepoint.interval }}
    {{- $_ := set $conf "kubernetes.operator.periodic.savepoint.interval" . }}
    {{- end }}
    {{- range $key, $value := $f.extraConfiguration }}
    {{- $_ := set $conf $key $value }}
    {{- end }}
    {{- range $key, $value := $conf }}
    {{ $key }}: {{ $value | quote }}
    {{- end }}
  jobManager:
    replicas: {{ $f.jobManager.replicas }}
    resource:
      cpu: {{ $f.jobManager.cpu }}
      memory: {{ $f.jobManager.memory | quote }}
  taskManager:
    resource:
      cpu: {{ $f.taskManager.cpu }}
      memory: {{ $f.taskManager.memory | quote }}
  # Applies to the JobManager and the TaskManagers: both run code of the job (the source
  # enumerator and the job's main method on the JobManager, the operators on the TaskManagers).
  podTemplate:
    metadata:
      labels:
        {{- include "cdrflow.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/component: flink
      annotations:
        # A changed job configuration changes the spec, so the operator upgrades the job
        # (keeping its state) instead of leaving it on the old file.
        checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 9999
        runAsGroup: 9999
        fsGroup: 9999
        seccompProfile:
          type: RuntimeDefault
      {{- with include "cdrflow.imagePullSecrets" . | trim }}{{ . | nindent 6 }}{{- end }}
      {{- if .Values.security.readOnlyRootFilesystem }}
      initContainers:
        # The plugin directory becomes an emptyDir (the entrypoint copies the file system plugins
        # named in ENABLE_BUILT_IN_PLUGINS into it): first the image's own plugins, among them the
        # Prometheus reporter.
        - name: flink-plugins
          image: {{ include "cdrflow.image" . }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command: ["sh", "-c", "cp -R /opt/flink/plugins/. /plugins/"]
          securityContext:
            {{- include "cdrflow.flinkSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: flink-plugins
              mountPath: /plugins
      {{- end }}
      containers:
        # The operator merges this into its own main container.
        - name: flink-main-container
          env:
            {{- include "cdrflow.jdbcPasswordEnv" .Values.postgresql.mediation | nindent 12 }}
            {{- with include "cdrflow.kafkaEnv" . | trim }}{{ . | nindent 12 }}{{- end }}
            {{- with $f.storage.s3CredentialsSecret }}
            {{- if .name }}
            # Read by the S3 file system through the default AWS credentials chain.
            - name: AWS_ACCESS_KEY_ID
              valueFrom:
                secretKeyRef:
                  name: {{ .name }}
                  key: {{ .accessKeyIdKey }}
            - name: AWS_SECRET_ACCESS_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ .name }}
                  key: {{ .secretAccessKeyKey }}
            {{- end }}
            {{- end }}
            {{- with $f.fileSystemPlugins }}
            - name: ENABLE_BUILT_IN_PLUGINS
              value: {{ join ";" . | quote }}
            {{- end }}
          ports:
            - name: metrics
              containerPort: {{ .Values.metrics.port }}
              protocol: TCP
          securityContext:
            {{- include "cdrflow.flinkSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: cdrflow-config
              mountPath: {{ include "cdrflow.configDir" . }}
              readOnly: true
            {{- if .Values.security.readOnlyRootFilesystem }}
            # Where Flink writes: temporary files and RocksDB's working directory, logs, plugins.
            - name: flink-tmp
              mountPath: /tmp
            - name: flink-log
              mountPath: /opt/flink/log
            - name: flink-plugins
              mountPath: /opt/flink/plugins
            {{- end }}
            {{- with include "cdrflow.kafkaTlsVolumeMounts" . | trim }}{{ . | nindent 12 }}{{- end }}
            {{- with include "cdrflow.dbTlsVolumeMounts" . | trim }}{{ . | nindent 12 }}{{- end }}
      volumes:
        - name: cdrflow-config
          configMap:
            name: {{ include "cdrflow.configMapName" . }}
            items:
              - key: cdrflow.properties
                path: cdrflow.properties
        {{- if .Values.security.readOnlyRootFilesystem }}
        - name: flink-tmp
          {{- with .Values.security.tmpSizeLimit }}
          emptyDir:
            sizeLimit: {{ . }}
          {{- else }}
          emptyDir: {}
          {{- end }}
        - name: flink-log
          emptyDir: {}
        - name: flink-plugins
          emptyDir: {}
        {{- end }}
        {{- with include "cdrflow.kafkaTlsVolumes" . | trim }}{{ . | nindent 8 }}{{- end }}
        {{- with include "cdrflow.dbTlsVolumes" . | trim }}{{ . | nindent 8 }}{{- end }}
  job:
    jarURI: local:///opt/flink/usrlib/cdrflow-job.jar
    entryClass: {{ $job.entryClass }}
    args: {{ $job.args | toJson }}
    parallelism: {{ $job.parallelism }}
    upgradeMode: {{ $f.upgradeMode }}
    state: {{ $f.state }}
{{- end }}
{{- end }}
