{{/*
Shared helpers. Every per-workload template ranges over "crm.workloads": the gateway (kind
http) and each enabled service (kind grpc) merged over serviceDefaults, keyed by name.
*/}}

{{- define "crm.workloads" -}}
{{- $out := dict -}}
{{- $services := list -}}
{{- range $name, $svc := .Values.services -}}
{{- $w := mergeOverwrite (deepCopy $.Values.serviceDefaults) (deepCopy $svc) -}}
{{- if $w.enabled -}}
{{- $_ := set $w "kind" "grpc" -}}
{{- $_ := set $w "name" $name -}}
{{- $_ := set $w "port" $w.grpcPort -}}
{{- $_ := set $w "callers" (list) -}}
{{- $_ := set $out $name $w -}}
{{- $services = append $services $name -}}
{{- end -}}
{{- end -}}
{{- if .Values.gateway.enabled -}}
{{- $g := mergeOverwrite (deepCopy (omit $.Values.serviceDefaults "calls" "smtp")) (deepCopy .Values.gateway) -}}
{{- $_ := set $g "kind" "http" -}}
{{- $_ := set $g "name" "gateway" -}}
{{- $_ := set $g "port" $g.httpPort -}}
{{- $_ := set $g "metricsPort" $g.httpPort -}}
{{- $_ := set $g "calls" $services -}}
{{- $_ := set $g "smtp" false -}}
{{- $_ := set $g "callers" (list) -}}
{{- $_ := set $out "gateway" $g -}}
{{- end -}}
{{- /* Who calls whom: a service accepts gRPC from each enabled workload that lists it. */ -}}
{{- range $name, $w := $out -}}
{{- range $callee := $w.calls -}}
{{- if hasKey $out $callee -}}
{{- $c := get $out $callee -}}
{{- $_ := set $c "callers" (append $c.callers $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- define "crm.name" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "crm.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: crm
{{- end -}}

{{- define "crm.labels" -}}
{{ include "crm.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "crm.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- $image := .w.image | default dict -}}
{{- if $image.digest -}}
{{- printf "%s/%s@%s" $registry $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $registry $image.repository (($image.tag | default .root.Values.image.tag) | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The Secret and key that hold a workload's DATABASE_URL. */}}
{{- define "crm.databaseSecret" -}}
{{- $db := .w.database -}}
{{- if $db.existingSecret -}}
name: {{ $db.existingSecret }}
key: {{ $db.secretKey }}
{{- else if $db.url -}}
name: {{ include "crm.name" (dict "root" .root "name" (printf "%s-database" .w.name)) }}
key: DATABASE_URL
{{- else -}}
name: {{ include "crm.name" (dict "root" .root "name" (printf "%s-db-app" .w.name)) }}
key: {{ $db.secretKey }}
{{- end -}}
{{- end -}}

{{/* <NAME>_TARGET, the gRPC address of a service as its callers' settings read it. */}}
{{- define "crm.targetEnv" -}}
{{- printf "%s_TARGET" (.name | upper | replace "-" "_") -}}
{{- end -}}

{{- define "crm.smtpSecretName" -}}
{{- if .Values.smtp.existingSecret -}}
{{- .Values.smtp.existingSecret -}}
{{- else -}}
{{- include "crm.name" (dict "root" . "name" "smtp") -}}
{{- end -}}
{{- end -}}

{{- define "crm.jwtSecretName" -}}
{{- if .Values.gateway.jwt.existingSecret -}}
{{- .Values.gateway.jwt.existingSecret -}}
{{- else -}}
{{- include "crm.name" (dict "root" . "name" "gateway-jwt") -}}
{{- end -}}
{{- end -}}

{{/* The pod and container security context every workload and Job uses. */}}
{{- define "crm.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "crm.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Environment of a workload's containers (the server and its migration Job). */}}
{{- define "crm.env" -}}
{{- $w := .w -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "crm.databaseSecret" . | nindent 6 }}
{{- if eq $w.kind "http" }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "crm.jwtSecretName" .root }}
      key: JWT_SECRET
{{- if $w.admin.existingSecret }}
- name: ADMIN_EMAIL
  valueFrom:
    secretKeyRef:
      name: {{ $w.admin.existingSecret }}
      key: ADMIN_EMAIL
- name: ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $w.admin.existingSecret }}
      key: ADMIN_PASSWORD
{{- end }}
{{- if $w.redis.existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $w.redis.existingSecret }}
      key: {{ $w.redis.secretKey }}
{{- end }}
{{- end }}
{{- if $w.smtp }}
- name: SMTP_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "crm.smtpSecretName" .root }}
      key: SMTP_USERNAME
- name: SMTP_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "crm.smtpSecretName" .root }}
      key: SMTP_PASSWORD
{{- end }}
{{- end -}}
