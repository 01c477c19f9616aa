{{/* Shared names and labels. A service's objects are all named <release>-<service key>. */}}

{{- define "ticketing.svcName" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ticketing.baseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: ticketing
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Labels of the release-wide objects (ConfigMaps, Ingresses, monitoring). */}}
{{- define "ticketing.labels" -}}
{{ include "ticketing.baseLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one service's objects; selectorLabels is the stable subset used by selectors. */}}
{{- define "ticketing.svcLabels" -}}
{{ include "ticketing.baseLabels" .root }}
{{ include "ticketing.selectorLabels" . }}
{{- end -}}

{{- define "ticketing.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* repository[:tag], with the registry prefix and the native suffix applied. */}}
{{- define "ticketing.image" -}}
{{- $img := .svc.image | default dict -}}
{{- $tag := $img.tag | default .root.Values.image.tag -}}
{{- if eq .root.Values.image.flavor "native" -}}
{{- $tag = printf "%s-native" $tag -}}
{{- end -}}
{{- printf "%s%s:%s" .root.Values.image.registry (required (printf "services.%s.image.repository is required" .name) $img.repository) $tag -}}
{{- end -}}

{{/* The routing table shared with the local gateway. */}}
{{- define "ticketing.routes" -}}
{{- $table := .Files.Get "routes.yaml" | fromYaml -}}
{{- if not $table.routes -}}
{{- fail "routes.yaml has no routes (it must sit next to Chart.yaml and not be listed in .helmignore)" -}}
{{- end -}}
{{- toYaml $table -}}
{{- end -}}

{{- define "ticketing.authVerifyUrl" -}}
{{- $ns := .Values.ingress.authNamespace | default .Release.Namespace -}}
{{- $auth := index .Values.services "auth-svc" -}}
{{- printf "http://%s.%s.svc.%s:%v/api/auth/verify" (include "ticketing.svcName" (dict "root" . "name" "auth-svc")) $ns .Values.ingress.clusterDomain $auth.port -}}
{{- end -}}
