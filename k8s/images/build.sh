#!/usr/bin/env bash
# Builds the platform's images without Docker and pushes them to a registry, named as the chart expects them:
# <prefix>ticketing/<name>:<the chart's appVersion>. The five services with quarkus-container-image-jib (base and user
# of src/main/docker/Dockerfile.jvm); the payment sandbox and the fan UI (web/ on nginx-unprivileged, web/pom.xml)
# with jib-maven-plugin. Registry credentials come from the
# usual places (~/.docker/config.json, a credential helper, or JIB/Quarkus registry properties).
#
#   k8s/images/build.sh ghcr.io/acme/                 # then: helm install ... --set image.registry=ghcr.io/acme/
#   k8s/images/build.sh ghcr.io/acme/ booking-svc     # only some images
#
# Environment:
#   TICKETING_IMAGE_INSECURE=true     the registry speaks plain HTTP (a local or in-cluster registry)
#   TICKETING_JVM_BASE_IMAGE          base of the service images (default: registry.access.redhat.com/ubi9/openjdk-17-runtime:1.23),
#                                     e.g. a mirror in an air-gapped registry
#   TICKETING_SANDBOX_BASE_IMAGE      base of the sandbox image (default: docker.io/library/eclipse-temurin:17-jre-alpine)
#   TICKETING_WEB_BASE_IMAGE          base of the fan UI image (default: docker.io/nginxinc/nginx-unprivileged:1.29-alpine)
#   TICKETING_SANDBOX_TAR=<file>      also write the sandbox image as an OCI tarball (jib:buildTar), e.g. for `ctr import`
#
# The AppCDS archive is left out of the images: it must be made by the image's own JVM (Quarkus would need a container
# runtime for that); the chart's -Xshare:auto then simply starts without it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

prefix=${1:?usage: k8s/images/build.sh <registry prefix, e.g. ghcr.io/acme/> [image ...]}
shift
[[ $prefix == */ ]] || prefix="$prefix/"
tag=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' helm/ticketing/Chart.yaml)
[ -n "$tag" ] || { echo "no appVersion in helm/ticketing/Chart.yaml" >&2; exit 1; }
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(auth-svc search-svc queue-svc booking-svc payment-svc payment-sandbox web)

insecure=()
if [ "${TICKETING_IMAGE_INSECURE:-false}" = true ]; then
  insecure=(-Dquarkus.container-image.insecure=true -Djib.allowInsecureRegistries=true -DsendCredentialsOverHttp=true)
fi

services=()
sandbox=false
web=false
for i in "${images[@]}"; do
  case "$i" in
    auth-svc|search-svc|queue-svc|booking-svc|payment-svc) services+=("$i") ;;
    payment-sandbox) sandbox=true ;;
    web) web=true ;;
    *) echo "unknown image $i" >&2; exit 2 ;;
  esac
done

# Quarkus lays the app out for run-java.sh in /deployments (what the chart's JAVA_OPTS_APPEND relies on) only when it
# recognises the Red Hat base by name; a mirrored base gets the same layout and entrypoint explicitly.
base=()
if [ -n "${TICKETING_JVM_BASE_IMAGE:-}" ]; then
  base=(-Dquarkus.jib.base-jvm-image="$TICKETING_JVM_BASE_IMAGE" -Dquarkus.jib.working-directory=/deployments
        -Dquarkus.jib.jvm-entrypoint=/opt/jboss/container/java/run/run-java.sh)
fi

for svc in "${services[@]}"; do
  image="${prefix}ticketing/${svc}:${tag}"
  echo "== $image"
  ./mvnw -B -ntp -q -pl "$svc" -am package -DskipTests -Dskip.e2e \
    -Dquarkus.container-image.build=true -Dquarkus.container-image.push=true \
    -Dquarkus.container-image.image="$image" \
    -Dquarkus.package.jar.appcds.enabled=false \
    "${base[@]}" \
    "${insecure[@]}"
done

if [ "$sandbox" = true ]; then
  image="${prefix}ticketing/payment-sandbox:${tag}"
  echo "== $image"
  base=(${TICKETING_SANDBOX_BASE_IMAGE:+-Dsandbox.base.image="$TICKETING_SANDBOX_BASE_IMAGE"})
  ./mvnw -B -ntp -q -pl payment-sandbox -am package -DskipTests -Dskip.e2e \
    com.google.cloud.tools:jib-maven-plugin:build -Dimage="$image" "${base[@]}" "${insecure[@]}"
  if [ -n "${TICKETING_SANDBOX_TAR:-}" ]; then
    ./mvnw -B -ntp -q -pl payment-sandbox com.google.cloud.tools:jib-maven-plugin:buildTar -Dimage="$image" \
      -Djib.outputPaths.tar="$TICKETING_SANDBOX_TAR" "${base[@]}" "${insecure[@]}"
  fi
fi
if [ "$web" = true ]; then
  image="${prefix}ticketing/web:${tag}"
  echo "== $image"
  base=(${TICKETING_WEB_BASE_IMAGE:+-Dweb.base.image="$TICKETING_WEB_BASE_IMAGE"})
  ./mvnw -B -ntp -q -f web/pom.xml package com.google.cloud.tools:jib-maven-plugin:build -Dimage="$image" \
    "${base[@]}" "${insecure[@]}"
fi
echo "built with tag $tag under ${prefix}ticketing/"
