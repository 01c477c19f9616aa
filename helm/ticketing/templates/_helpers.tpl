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

{{/*
<registry>/<repository>:<tag>, the native suffix applied. The registry is required for an install: there is no
public default to fall back on. `helm lint` renders without a release being installed and gets a placeholder.
The tag defaults to the chart's appVersion, so a chart release and its images move together.
*/}}
{{- define "ticketing.image" -}}
{{- $img := .svc.image | default dict -}}
{{- $values := .root.Values.image -}}
{{- $registry := $values.registry | default "" | trimSuffix "/" -}}
{{- if not $registry -}}
{{- if or .root.Release.IsInstall .root.Release.IsUpgrade -}}
{{- fail "image.registry is required: the registry holding the ticketing images, e.g. --set image.registry=ghcr.io/acme (no default registry: docker.io/ticketing is not ours)" -}}
{{- end -}}
{{- $registry = "registry.invalid" -}}
{{- end -}}
{{- $tag := $img.tag | default $values.tag | default .root.Chart.AppVersion -}}
{{- if and (eq $values.flavor "native") (not .plain) -}}
{{- $tag = printf "%s-native" $tag -}}
{{- end -}}
{{- printf "%s/%s:%s" $registry (required (printf "%s.image.repository is required" .name) $img.repository) $tag -}}
{{- end -}}

{{/* The routing table shared with the local gateway. */}}
{{- define "ticketing.routes" -}}
{{- $table := .Files.Get "routes.yaml" | fromYaml -}}
{{- if not $table.routes -}}
{{- fail "routes.yaml has no routes (it must sit next to Chart.yaml and not be listed in .helmignore)" -}}
{{- end -}}
{{- toYaml $table -}}
{{- end -}}

{{- define "ticketing.authNamespace" -}}
{{- .Values.edge.auth.namespace | default .Release.Namespace -}}
{{- end -}}

{{- define "ticketing.authVerifyUrl" -}}
{{- $auth := index .Values.services "auth-svc" -}}
{{- printf "http://%s.%s.svc.%s:%v%s" (include "ticketing.svcName" (dict "root" . "name" "auth-svc")) (include "ticketing.authNamespace" .) .Values.edge.auth.clusterDomain $auth.port .Values.edge.auth.verifyPath -}}
{{- end -}}

{{/*
The routing table, checked against values.services, with the fan UI's "/" appended when web.enabled (the local
gateway serves web/ itself, so "/" is not in routes.yaml). Returns {"routes": [...]} as YAML.
*/}}
{{- define "ticketing.edgeRoutes" -}}
{{- $table := include "ticketing.routes" . | fromYaml -}}
{{- range $svcName, $port := $table.services -}}
{{- $svc := index $.Values.services $svcName -}}
{{- if not $svc -}}
{{- fail (printf "routes.yaml names service %s, which values.services does not define" $svcName) -}}
{{- end -}}
{{- if ne (toString $port) (toString $svc.port) -}}
{{- fail (printf "routes.yaml gives %s port %v but values.services.%s.port is %v" $svcName $port $svcName $svc.port) -}}
{{- end -}}
{{- end -}}
{{- $routes := list -}}
{{- range $table.routes -}}
{{- if not (has .auth (list "public" "user")) -}}
{{- fail (printf "routes.yaml: route %s has auth %v (expected public or user)" .path .auth) -}}
{{- end -}}
{{- if not (has .match (list "prefix" "regex")) -}}
{{- fail (printf "routes.yaml: route %s has match %v (expected prefix or regex)" .path .match) -}}
{{- end -}}
{{- if not (hasKey $table.services .service) -}}
{{- fail (printf "routes.yaml: route %s names service %s, which its services list does not have" .path .service) -}}
{{- end -}}
{{- $routes = append $routes (dict "path" .path "match" .match "service" .service "port" (index $table.services .service) "auth" .auth "websocket" (.websocket | default false)) -}}
{{- end -}}
{{- if .Values.web.enabled -}}
{{- $routes = append $routes (dict "path" "/" "match" "prefix" "service" "web" "port" .Values.web.port "auth" "public" "websocket" false) -}}
{{- end -}}
{{- toYaml (dict "routes" $routes) -}}
{{- end -}}

{{/* Route groups: public, user, user-ws (public-ws if the table ever has one). Returns {"<group>": [routes]}. */}}
{{- define "ticketing.routeGroups" -}}
{{- $groups := dict -}}
{{- range (include "ticketing.edgeRoutes" . | fromYaml).routes -}}
{{- $key := .auth -}}
{{- if .websocket -}}
{{- $key = printf "%s-ws" .auth -}}
{{- end -}}
{{- $_ := set $groups $key (append (get $groups $key | default list) .) -}}
{{- end -}}
{{- toYaml $groups -}}
{{- end -}}

{{/* The Service name behind a route: a ticketing service, or the fan UI. */}}
{{- define "ticketing.routeBackend" -}}
{{- include "ticketing.svcName" (dict "root" .root "name" .route.service) -}}
{{- end -}}

{{/* Request body limit in bytes (edge.maxRequestBodyBytes) as ingress-nginx's proxy-body-size ("1024k"). */}}
{{- define "ticketing.nginxBodySize" -}}
{{- $bytes := int64 .Values.edge.maxRequestBodyBytes -}}
{{- if eq (mod $bytes 1048576) 0 -}}
{{- printf "%dm" (div $bytes 1048576) -}}
{{- else -}}
{{- printf "%dk" (div $bytes 1024) -}}
{{- end -}}
{{- end -}}

{{/* Pod topology spread over zones and hosts (values.topologySpread), selecting the pods of one component. */}}
{{- define "ticketing.topologySpread" -}}
{{- $spread := .root.Values.topologySpread -}}
{{- $constraints := list -}}
{{- range $key, $topologyKey := dict "zone" "topology.kubernetes.io/zone" "host" "kubernetes.io/hostname" -}}
{{- $c := index $spread $key -}}
{{- if $c.enabled -}}
{{- $constraints = append $constraints (dict "maxSkew" $c.maxSkew "topologyKey" $topologyKey "whenUnsatisfiable" $c.whenUnsatisfiable "labelSelector" (dict "matchLabels" (include "ticketing.selectorLabels" $ | fromYaml))) -}}
{{- end -}}
{{- end -}}
{{- with $constraints -}}
topologySpreadConstraints:
{{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}
