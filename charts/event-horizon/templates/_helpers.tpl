{{- define "evh.name" -}}{{ .Release.Name }}{{- end -}}

{{- define "evh.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "evh.labels" -}}
app.kubernetes.io/part-of: event-horizon
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
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
  value: {{ .Values.kafka.brokers | quote }}
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
{{- end -}}

{{- define "evh.redisUrl" -}}
{{- if .Values.redis.server.enabled -}}
redis://{{ include "evh.name" . }}-redis:6379
{{- else -}}
{{ .Values.redis.url }}
{{- end -}}
{{- end -}}

{{/* The pod and container security of every service: the image's user, no privileges. */}}
{{- define "evh.podSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .Values.securityContext.runAsUser }}
  runAsGroup: {{ .Values.securityContext.runAsGroup }}
  fsGroup: {{ .Values.securityContext.fsGroup }}
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "evh.containerSecurityContext" -}}
securityContext:
  allowPrivilegeEscalation: false
  capabilities: { drop: [ALL] }
{{- end -}}

{{/* The data volume of a service that stores files (ingest, consumer): see storage.local. */}}
{{- define "evh.dataVolumeMount" -}}
volumeMounts:
  - { name: data, mountPath: {{ .Values.storage.local.mountPath | quote }} }
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
{{- end -}}

{{- define "evh.storageEnv" -}}
- name: STORAGE_DIR
  value: {{ .Values.storage.local.dir | quote }}
{{- if .Values.storage.s3.bucket }}
- name: S3_ENDPOINT
  value: {{ .Values.storage.s3.endpoint | quote }}
- name: S3_BUCKET
  value: {{ .Values.storage.s3.bucket | quote }}
- name: S3_REGION
  value: {{ .Values.storage.s3.region | quote }}
- name: S3_FORCE_PATH_STYLE
  value: {{ .Values.storage.s3.forcePathStyle | quote }}
- name: S3_ACCESS_KEY_ID
  valueFrom: { secretKeyRef: { name: {{ .Values.storage.s3.credentialsSecret | quote }}, key: S3_ACCESS_KEY_ID } }
- name: S3_SECRET_ACCESS_KEY
  valueFrom: { secretKeyRef: { name: {{ .Values.storage.s3.credentialsSecret | quote }}, key: S3_SECRET_ACCESS_KEY } }
{{- end }}
{{- end -}}

{{/* Probes and the termination grace every service gets: ready only once its connections are up. */}}
{{- define "evh.probes" -}}
readinessProbe:
  httpGet: { path: /readyz, port: http }
  periodSeconds: 5
livenessProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 10
  failureThreshold: 6
{{- end -}}
