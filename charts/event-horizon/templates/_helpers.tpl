{{- define "evh.name" -}}{{ .Release.Name }}{{- end -}}

{{- define "evh.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* repository:tag of a backend's image value ({repository, tag}). */}}
{{- define "evh.imageRef" -}}
{{ .repository }}:{{ .tag }}
{{- end -}}

{{- define "evh.labels" -}}
app.kubernetes.io/part-of: event-horizon
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/*
Settings that contradict each other stop the install with a message, rather than leaving the
services pointed at one backend while the chart runs another.
*/}}
{{- define "evh.validate" -}}
{{- if and .Values.kafka.enabled .Values.kafka.brokers -}}
{{- fail "kafka.brokers is set while kafka.enabled is true: set kafka.enabled=false to use your Kafka, or unset kafka.brokers" -}}
{{- end -}}
{{- if not (or .Values.kafka.enabled .Values.kafka.brokers) -}}
{{- fail "kafka.enabled is false: set kafka.brokers to your Kafka's host:port list" -}}
{{- end -}}
{{- if and .Values.redis.server.enabled .Values.redis.url -}}
{{- fail "redis.url is set while redis.server.enabled is true: set redis.server.enabled=false to use your Redis, or unset redis.url" -}}
{{- end -}}
{{- if not (or .Values.redis.server.enabled .Values.redis.url) -}}
{{- fail "redis.server.enabled is false: set redis.url to your Redis" -}}
{{- end -}}
{{- if and .Values.postgres.server.enabled .Values.postgres.url -}}
{{- fail "postgres.url is set while postgres.server.enabled is true: set postgres.server.enabled=false to use your PostgreSQL, or unset postgres.url" -}}
{{- end -}}
{{- if not (or .Values.postgres.server.enabled .Values.postgres.url) -}}
{{- fail "postgres.server.enabled is false: set postgres.url to your PostgreSQL" -}}
{{- end -}}
{{- $s3 := .Values.storage.s3 -}}
{{- if and .Values.objectStore.enabled (or $s3.endpoint $s3.bucket) -}}
{{- fail "storage.s3 is set while objectStore.enabled is true: set objectStore.enabled=false to use your S3 store" -}}
{{- end -}}
{{- if and (or $s3.endpoint $s3.bucket $s3.credentialsSecret) (not (and $s3.endpoint $s3.bucket $s3.credentialsSecret)) -}}
{{- fail "storage.s3: endpoint, bucket and credentialsSecret go together" -}}
{{- end -}}
{{- end -}}

{{/* The in-chart Kafka's client address: the ClusterIP Service, as its broker advertises it. */}}
{{- define "evh.kafkaServiceHost" -}}
{{ include "evh.name" . }}-kafka.{{ .Release.Namespace }}.svc.cluster.local
{{- end -}}

{{- define "evh.kafkaBrokers" -}}
{{- if .Values.kafka.enabled -}}
{{ include "evh.kafkaServiceHost" . }}:9092
{{- else -}}
{{ .Values.kafka.brokers }}
{{- end -}}
{{- end -}}

{{- define "evh.redisUrl" -}}
{{- if .Values.redis.server.enabled -}}
redis://{{ include "evh.name" . }}-redis:6379
{{- else -}}
{{ .Values.redis.url }}
{{- end -}}
{{- end -}}

{{/*
The database's URL without its password (PGPASSWORD comes from a Secret, evh.databaseEnv):
the consumer's, the reporter's and the migration Job's.
*/}}
{{- define "evh.databaseUrl" -}}
{{- if .Values.postgres.server.enabled -}}
postgres://evh@{{ include "evh.name" . }}-postgres:5432/postgres
{{- else -}}
{{ .Values.postgres.url }}
{{- end -}}
{{- end -}}

{{- define "evh.databaseEnv" -}}
- name: DATABASE_URL
  value: {{ include "evh.databaseUrl" . | quote }}
{{- $secret := ternary (dict "name" (printf "%s-postgres" (include "evh.name" .)) "key" "PGPASSWORD") .Values.postgres.passwordSecret .Values.postgres.server.enabled -}}
{{- if $secret.name }}
- name: PGPASSWORD
  valueFrom: { secretKeyRef: { name: {{ $secret.name | quote }}, key: {{ $secret.key | quote }} } }
{{- end }}
- name: LOG_RETENTION_DAYS
  value: {{ .Values.postgres.retentionDays | quote }}
{{- end -}}

{{- define "evh.objectStoreEndpoint" -}}
http://{{ include "evh.name" . }}-objectstore:{{ .Values.objectStore.port }}
{{- end -}}

{{/* The environment every service shares; each Deployment adds its own. */}}
{{- define "evh.commonEnv" -}}
- name: HOST
  value: "0.0.0.0"
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: NODE_OPTIONS
  value: {{ .Values.nodeOptions | quote }}
- name: KAFKA_BROKERS
  value: {{ include "evh.kafkaBrokers" . | quote }}
- name: EVENTS_TOPIC
  value: {{ .Values.kafka.eventsTopic | quote }}
- name: DLQ_TOPIC
  value: {{ .Values.kafka.dlqTopic | quote }}
- name: JOBS_TOPIC
  value: {{ .Values.kafka.jobsTopic | quote }}
- name: EVENTS_PARTITIONS
  value: {{ .Values.kafka.partitions | quote }}
- name: REDIS_URL
  value: {{ include "evh.redisUrl" . | quote }}
- name: REDIS_KEY_PREFIX
  value: {{ .Values.redis.keyPrefix | quote }}
{{- with .Values.tracing.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
Pod and container security, for a given uid (dict "uid" N): that user and group, no
privileges, a read-only root filesystem (each pod mounts volumes where its process writes).
*/}}
{{- define "evh.podSecurityContextFor" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid }}
  runAsGroup: {{ .gid | default .uid }}
  fsGroup: {{ .fsGroup | default .uid }}
  {{- if .volumes }}
  # Only the volume's top folder is checked: a large volume is not walked on every start.
  fsGroupChangePolicy: OnRootMismatch
  {{- end }}
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "evh.containerSecurityContextFor" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid }}
  runAsGroup: {{ .gid | default .uid }}
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  capabilities: { drop: [ALL] }
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{/* The pod and container security of the four services: the image's user. */}}
{{- define "evh.podSecurityContext" -}}
{{- $s := .Values.securityContext -}}
{{ include "evh.podSecurityContextFor" (dict "uid" $s.runAsUser "gid" $s.runAsGroup "fsGroup" $s.fsGroup) }}
{{- end -}}

{{- define "evh.containerSecurityContext" -}}
{{- $s := .Values.securityContext -}}
{{ include "evh.containerSecurityContextFor" (dict "uid" $s.runAsUser "gid" $s.runAsGroup) }}
{{- end -}}

{{/*
The volumes of a service pod: the data folder (see storage.local; mounted even with S3, as
the root filesystem is read-only) and /tmp.
*/}}
{{- define "evh.dataVolumeMount" -}}
volumeMounts:
  - { name: data, mountPath: {{ .Values.storage.local.mountPath | quote }} }
  - { name: tmp, mountPath: /tmp }
{{- end -}}

{{- define "evh.tmpVolumeMount" -}}
volumeMounts:
  - { name: tmp, mountPath: /tmp }
{{- end -}}

{{- define "evh.dataClaimName" -}}
{{ .Values.storage.local.persistence.existingClaim | default (printf "%s-data" (include "evh.name" .)) }}
{{- end -}}

{{- define "evh.dataVolume" -}}
volumes:
  {{- if .Values.storage.local.persistence.enabled }}
  - name: data
    persistentVolumeClaim: { claimName: {{ include "evh.dataClaimName" . | quote }} }
  {{- else }}
  - name: data
    emptyDir: {}
  {{- end }}
  - name: tmp
    emptyDir: {}
{{- end -}}

{{- define "evh.tmpVolume" -}}
volumes:
  - name: tmp
    emptyDir: {}
{{- end -}}

{{/* Where uploads go: the chart's object store, your S3 store, or else the data folder. */}}
{{- define "evh.storageEnv" -}}
- name: STORAGE_DIR
  value: {{ .Values.storage.local.dir | quote }}
{{- $s3 := .Values.storage.s3 -}}
{{- $secret := $s3.credentialsSecret -}}
{{- if .Values.objectStore.enabled }}
{{- $secret = printf "%s-objectstore" (include "evh.name" .) }}
- name: S3_ENDPOINT
  value: {{ include "evh.objectStoreEndpoint" . | quote }}
- name: S3_BUCKET
  value: {{ .Values.objectStore.bucket | quote }}
{{- else if $s3.bucket }}
- name: S3_ENDPOINT
  value: {{ $s3.endpoint | quote }}
- name: S3_BUCKET
  value: {{ $s3.bucket | quote }}
{{- end }}
{{- if or .Values.objectStore.enabled $s3.bucket }}
- name: S3_REGION
  value: {{ $s3.region | quote }}
- name: S3_FORCE_PATH_STYLE
  value: {{ if .Values.objectStore.enabled }}"true"{{ else }}{{ $s3.forcePathStyle | quote }}{{ end }}
- name: S3_ACCESS_KEY_ID
  valueFrom: { secretKeyRef: { name: {{ $secret | quote }}, key: S3_ACCESS_KEY_ID } }
- name: S3_SECRET_ACCESS_KEY
  valueFrom: { secretKeyRef: { name: {{ $secret | quote }}, key: S3_SECRET_ACCESS_KEY } }
{{- end }}
{{- end -}}

{{/*
The init container that holds a service pod until its backends accept connections. Called
with (dict "root" $ "needs" (list "kafka" "redis" "s3")). Each argument is a comma-separated
list of host:port, one of which must answer; external backends are waited for as well.
*/}}
{{- define "evh.waitForDependencies" -}}
{{- $root := .root -}}
{{- if $root.Values.waitForDependencies.enabled }}
{{- $targets := list -}}
{{- if has "kafka" .needs }}
{{- $targets = append $targets (include "evh.kafkaBrokers" $root) -}}
{{- end }}
{{- if has "redis" .needs }}
{{- $u := urlParse (include "evh.redisUrl" $root) -}}
{{- $targets = append $targets (ternary $u.host (printf "%s:6379" $u.host) (contains ":" $u.host)) -}}
{{- end }}
{{- if has "postgres" .needs }}
{{- $u := urlParse (include "evh.databaseUrl" $root) -}}
{{- $targets = append $targets (ternary $u.host (printf "%s:5432" $u.host) (contains ":" $u.host)) -}}
{{- end }}
{{- if and (has "s3" .needs) (or $root.Values.objectStore.enabled $root.Values.storage.s3.bucket) }}
{{- $u := urlParse (ternary (include "evh.objectStoreEndpoint" $root) $root.Values.storage.s3.endpoint $root.Values.objectStore.enabled) -}}
{{- $targets = append $targets (ternary $u.host (printf "%s:%s" $u.host (ternary "443" "80" (eq $u.scheme "https"))) (contains ":" $u.host)) -}}
{{- end -}}
initContainers:
  - name: wait-for-dependencies
    image: {{ include "evh.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    command:
      - node
      - --input-type=module
      - -e
      - |
        // Tries each target every second until one of its addresses accepts a TCP connection.
        import { connect } from 'node:net';
        const open = (hostPort) =>
          new Promise((resolve) => {
            const i = hostPort.lastIndexOf(':');
            const socket = connect({ host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)), timeout: 2000 });
            const done = (ok) => { socket.destroy(); resolve(ok); };
            socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
          });
        for (const target of process.argv.slice(1)) {
          for (let tries = 0; ; tries++) {
            const answers = await Promise.all(target.split(',').map((a) => open(a.trim())));
            if (answers.includes(true)) break;
            if (tries % 10 === 0) console.log(`waiting for ${target}`);
            await new Promise((r) => setTimeout(r, 1000));
          }
          console.log(`${target} accepts connections`);
        }
      {{- range $targets }}
      - {{ . | quote }}
      {{- end }}
    resources: {{- toYaml $root.Values.waitForDependencies.resources | nindent 6 }}
    {{- include "evh.containerSecurityContext" $root | nindent 4 }}
    {{- include "evh.tmpVolumeMount" $root | nindent 4 }}
{{- end }}
{{- end -}}

{{/* Probes every service gets: ready only once its connections are up. */}}
{{- define "evh.probes" -}}
readinessProbe:
  httpGet: { path: /readyz, port: http }
  periodSeconds: 5
livenessProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 10
  failureThreshold: 6
{{- end -}}

{{/*
What happens to a StatefulSet's claims (Kafka, Redis, the object store) on helm uninstall:
deleted with it unless persistence.retainOnUninstall, so an uninstall leaves nothing behind.
Scaling down keeps them.
*/}}
{{- define "evh.claimRetention" -}}
persistentVolumeClaimRetentionPolicy:
  whenDeleted: {{ ternary "Retain" "Delete" .Values.persistence.retainOnUninstall }}
  whenScaled: Retain
{{- end -}}
