{{- define "florencevl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "florencevl.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "florencevl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "florencevl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The bundled Redis is another app of the release: the server's selectors must not match its pods. */}}
{{- define "florencevl.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ include "florencevl.name" . }}-redis
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "florencevl.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "florencevl.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "florencevl.secretName" -}}
{{- default (printf "%s-secrets" (include "florencevl.fullname" .)) .Values.existingSecret }}
{{- end }}

{{/*
Settings as environment variables, one per value: <prefix>__<Key>, the key's first letter upper-cased; maps nest
(__<Key>__<Key>), lists become __0, __1, ...; nulls and empty strings are left out so the server's default applies.
Whole numbers are printed as integers (Helm reads every number as a float).
Called with (dict "prefix" "FlorenceVL__Scheduler" "values" .Values.config.scheduler).
*/}}
{{- define "florencevl.settingsEnv" -}}
{{- $prefix := .prefix }}
{{- range $key, $value := .values }}
{{- $name := printf "%s__%s" $prefix (title $key) }}
{{- if kindIs "map" $value }}
{{ include "florencevl.settingsEnv" (dict "prefix" $name "values" $value) }}
{{- else if kindIs "slice" $value }}
{{- range $index, $item := $value }}
{{ printf "%s__%d" $name $index }}: {{ include "florencevl.settingValue" $item }}
{{- end }}
{{- else if and (not (kindIs "invalid" $value)) (ne (toString $value) "") }}
{{ $name }}: {{ include "florencevl.settingValue" $value }}
{{- end }}
{{- end }}
{{- end }}

{{- define "florencevl.settingValue" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}
{{- int64 . | toString | quote }}
{{- else }}
{{- toString . | quote }}
{{- end }}
{{- end }}

{{- define "florencevl.redisConnection" -}}
{{- if eq .Values.redis.mode "bundled" }}
{{- printf "%s-redis:6379" (include "florencevl.fullname" .) }}
{{- else if eq .Values.redis.mode "external" }}
{{- required "redis.connectionString is required when redis.mode is external" .Values.redis.connectionString }}
{{- else if ne .Values.redis.mode "none" }}
{{- fail "redis.mode must be none, bundled or external" }}
{{- end }}
{{- end }}
