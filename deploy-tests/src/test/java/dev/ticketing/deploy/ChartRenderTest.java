package dev.ticketing.deploy;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart lints strictly, renders with every values file, and what it renders passes the Kubernetes schemas. */
class ChartRenderTest {

    @Test
    void lintStrictPasses() {
        LintResult result = Chart.helm().lint().strict().call();
        assertFalse(result.isFailed(), () -> "helm lint --strict failed:\n" + String.join("\n", result.getMessages()));
        assertTrue(result.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                () -> "lint messages: " + result.getMessages());
    }

    /**
     * values.schema.json closes every object of values.yaml (additionalProperties false), and the defaults pass it
     * (lint above): so every key is described, and a misspelt or unknown key fails the install.
     */
    @Test
    void valuesSchemaCoversEveryKeyAndRefusesTyposAndBadValues() throws IOException {
        String schema = Files.readString(Chart.dir().resolve("values.schema.json"));
        assertTrue(schema.contains("\"additionalProperties\": false"), "closed objects");
        for (var bad : Map.of("edge.flavour", "gateway-api", "edge.flavor", "traefik", "image.flavor", "graal",
                "autoscaling.queue.minReplicas", "-1", "services.queue-svc.engines[0]", "mongodb").entrySet()) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> Chart.render(
                    "bad-" + bad.getKey(), t -> t.set("image.registry", Chart.REGISTRY).set(bad.getKey(), bad.getValue())));
            assertTrue(e.getMessage().contains("schema"), bad + ": " + e.getMessage());
        }
    }

    @Test
    void rendersEveryObjectTheChartOwns() {
        for (Chart.Rendered r : List.of(Chart.defaults(), Chart.nativeImages(), Chart.allOptions(), Chart.envoyGateway(),
                Chart.ingressNginx())) {
            for (String svc : Chart.SERVICES) {
                for (String kind : List.of("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy")) {
                    r.get(kind, Chart.svcName(svc));
                }
            }
            for (String svc : List.of("booking-svc", "queue-svc", "auth-svc")) {
                r.get("HorizontalPodAutoscaler", Chart.svcName(svc));
            }
            r.get("ConfigMap", Chart.RELEASE + "-config");
            r.get("ConfigMap", Chart.RELEASE + "-grafana-dashboard");
            if (r == Chart.envoyGateway() || r == Chart.ingressNginx()) {
                // helm template knows no cluster: without monitoring.coreos.com/v1 (and no force) nothing that needs it
                assertTrue(r.ofKind("ServiceMonitor").isEmpty() && r.ofKind("PrometheusRule").isEmpty(), r.names()::toString);
            } else {
                r.get("ServiceMonitor", Chart.RELEASE);
                r.get("PrometheusRule", Chart.RELEASE);
            }
            r.get("Deployment", Chart.svcName("web"));
            r.get("Service", Chart.svcName("web"));
            if (r == Chart.ingressNginx()) {
                assertEquals(3, r.ofKind("Ingress").size(), () -> "Ingresses: " + r.names());
                assertTrue(r.ofKind("HTTPRoute").isEmpty(), () -> "one edge at a time: " + r.names());
            } else {
                assertTrue(r.ofKind("Ingress").isEmpty(), () -> "one edge at a time: " + r.names());
                r.get("Gateway", Chart.RELEASE);
                assertEquals(3, r.ofKind("HTTPRoute").size(), () -> "HTTPRoutes: " + r.names());
            }
            assertEquals(5, r.ofKind("PodDisruptionBudget").size(), () -> "PDBs: " + r.names());
        }
    }

    @Test
    void renderedManifestsPassTheKubernetesSchemas() {
        List<Path> files = Stream.of(Chart.defaults(), Chart.nativeImages(), Chart.allOptions(), Chart.envoyGateway(),
                Chart.ingressNginx()).map(Chart.Rendered::file).toList();
        SchemaValidator.Result result = SchemaValidator.validate(false, files);
        assertEquals(0, result.exitCode(), () -> "schema validation failed:\n" + result.output());
        assertFalse(result.output().contains("NOSCHEMA"), result.output());
        assertTrue(result.output().contains("OK autoscaling/v2 HorizontalPodAutoscaler"), result.output());
        assertTrue(result.output().contains("OK monitoring.coreos.com/v1 PrometheusRule"), result.output());
        for (String kind : List.of("gateway.networking.k8s.io/v1 Gateway", "gateway.networking.k8s.io/v1 HTTPRoute",
                "gateway.envoyproxy.io/v1alpha1 SecurityPolicy", "gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy",
                "gateway.envoyproxy.io/v1alpha1 ClientTrafficPolicy", "gateway.envoyproxy.io/v1alpha1 EnvoyProxy",
                "networking.k8s.io/v1 Ingress")) {
            assertTrue(result.output().contains("OK " + kind), () -> kind + " not validated:\n" + result.output());
        }
    }

    /**
     * k8s/: every object passes its published schema (built-in kinds, Strimzi, CloudNativePG; unknown fields and
     * retired apiVersions fail); the OpenSearch operator 3.x publishes no model, its kinds are checked against its CRDs
     * vendored under src/test/resources/crds/ (unknown fields fail there too).
     */
    @Test
    void clusterManifestsUnderK8sPassTheirOperatorsSchemas() throws IOException {
        Path k8s = Chart.repoRoot().resolve("k8s");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(k8s)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no manifests under " + k8s);
        SchemaValidator.Result result = SchemaValidator.validate(true, files);
        assertEquals(0, result.exitCode(), () -> "schema validation failed:\n" + result.output());
        for (String kind : List.of("v1 Namespace", "apps/v1 StatefulSet", "v1 Service")) {
            assertTrue(result.output().contains("OK " + kind), () -> kind + " not validated:\n" + result.output());
        }
        assertFalse(result.output().contains("NOSCHEMA"), result.output());
        for (String kind : List.of("kafka.strimzi.io/v1 Kafka", "kafka.strimzi.io/v1 KafkaNodePool",
                "kafka.strimzi.io/v1 KafkaTopic", "kafka.strimzi.io/v1 KafkaUser", "postgresql.cnpg.io/v1 Cluster",
                "postgresql.cnpg.io/v1 Database", "gateway.networking.k8s.io/v1 GatewayClass")) {
            assertTrue(result.output().contains("OK " + kind), () -> kind + " not validated in k8s/:\n" + result.output());
        }
        for (String kind : List.of("opensearch.org/v1 OpenSearchCluster", "opensearch.org/v1 OpensearchRole",
                "opensearch.org/v1 OpensearchUser", "opensearch.org/v1 OpensearchUserRoleBinding")) {
            assertTrue(result.output().contains("OK " + kind), () -> kind + " not validated in k8s/:\n" + result.output());
        }
        assertFalse(result.output().contains("UNMODELLED"), result.output());
    }

    /**
     * The validation has teeth: a retired apiVersion, an unknown field, a bad enum value or a wrong type each fail, for
     * the model packages' kinds and for the vendored OpenSearch CRDs alike.
     */
    @Test
    void validationRefusesRetiredApiVersionsUnknownFieldsAndBadValues() throws IOException {
        Path dir = SchemaValidator.moduleDir().resolve("target/fixtures");
        Files.createDirectories(dir);
        String kafka = Files.readString(Chart.repoRoot().resolve("k8s/kafka.yaml"));
        String opensearch = Files.readString(Chart.repoRoot().resolve("k8s/opensearch.yaml"));
        Map<String, String> fixtures = Map.of(
                "retired-v1beta2.yaml", kafka.replace("apiVersion: kafka.strimzi.io/v1\n", "apiVersion: kafka.strimzi.io/v1beta2\n"),
                "unknown-field.yaml", kafka.replace("    authorization:\n      type: simple\n",
                        "    authorization:\n      type: simple\n      superUserz: [admin]\n"),
                "bad-enum.yaml", kafka.replace("operations: [Write, Describe]", "operations: [Publish, Describe]"),
                "retired-opster.yaml", opensearch.replace("apiVersion: opensearch.org/v1", "apiVersion: opensearch.opster.io/v1"),
                "opensearch-unknown-field.yaml", opensearch.replace("    serviceName: ticketing-search\n",
                        "    serviceNamez: ticketing-search\n"),
                "opensearch-wrong-type.yaml", opensearch.replace("      replicas: 3\n", "      replicas: three\n"),
                "opensearch-user-unknown-field.yaml", opensearch.replace("    key: password\n", "    keyz: password\n"),
                "gateway-bogus.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: x\n"
                        + "spec:\n  rules:\n    - matches:\n        - path: {type: PathPrefix, value: /}\n"
                        + "      timeouts: {request: 10s, idle: 5s}\n");
        Map<String, String> expected = Map.of(
                "retired-v1beta2.yaml", "retired apiVersion: Strimzi 1.x serves only kafka.strimzi.io/v1",
                "unknown-field.yaml", "'\"superUserz\"' does not exist",
                "bad-enum.yaml", "INVALID kafka.strimzi.io/v1 KafkaUser booking-svc",
                "retired-opster.yaml", "retired apiVersion: opensearch-k8s-operator 3.x serves opensearch.org/v1",
                "opensearch-unknown-field.yaml", "INVALID opensearch.org/v1 OpenSearchCluster ticketing-search: "
                        + "/spec/general must have required property 'serviceName'; "
                        + "/spec/general must NOT have additional properties \"serviceNamez\"",
                "opensearch-wrong-type.yaml", "INVALID opensearch.org/v1 OpenSearchCluster ticketing-search: "
                        + "/spec/nodePools/0/replicas must be integer",
                "opensearch-user-unknown-field.yaml", "INVALID opensearch.org/v1 OpensearchUser ticketing-search-app: "
                        + "/spec/passwordFrom must have required property 'key'; "
                        + "/spec/passwordFrom must NOT have additional properties \"keyz\"",
                "gateway-bogus.yaml", "'\"idle\"' does not exist");
        for (var fixture : fixtures.entrySet()) {
            assertFalse(fixture.getValue().isEmpty());
            assertFalse(fixture.getValue().equals(kafka) || fixture.getValue().equals(opensearch),
                    () -> fixture.getKey() + ": the replacement did not apply");
            Path file = dir.resolve(fixture.getKey());
            Files.writeString(file, fixture.getValue());
            SchemaValidator.Result result = SchemaValidator.validate(true, List.of(file));
            assertEquals(1, result.exitCode(), () -> fixture.getKey() + " must be refused:\n" + result.output());
            assertTrue(result.output().contains(expected.get(fixture.getKey())),
                    () -> fixture.getKey() + ": expected '" + expected.get(fixture.getKey()) + "' in\n" + result.output());
        }
    }

    /**
     * The cluster's broker creates no topic by itself (auto.create.topics.enable=false): every topic a service reads,
     * writes or dead-letters to in its application.properties must be declared as a KafkaTopic in k8s/kafka.yaml.
     */
    @Test
    void everyTopicTheServicesUseIsDeclaredForTheCluster() throws IOException {
        Path root = Chart.repoRoot();
        String kafka = Files.readString(root.resolve("k8s/kafka.yaml"));
        java.util.Set<String> declared = new java.util.TreeSet<>();
        for (String doc : kafka.split("(?m)^---$")) {
            if (doc.contains("kind: KafkaTopic")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  name: (\\S+)$").matcher(doc);
                assertTrue(m.find(), doc);
                declared.add(m.group(1));
            }
        }
        java.util.Set<String> used = new java.util.TreeSet<>();
        java.util.regex.Pattern topic = java.util.regex.Pattern.compile(
                "(?m)^mp\\.messaging\\.(?:incoming|outgoing)\\.[a-z-]+\\.(?:dead-letter-queue\\.)?topic=([^$\\s]+)$");
        for (String svc : List.of("search-svc", "queue-svc", "booking-svc", "payment-svc")) {
            java.util.regex.Matcher m = topic.matcher(Files.readString(root.resolve(svc + "/src/main/resources/application.properties")));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertTrue(used.contains("payment-events.booking-svc.dlq"), used.toString());
        assertTrue(used.contains("order-events.payment-svc.dlq"), used.toString());
        java.util.Set<String> missing = new java.util.TreeSet<>(used);
        missing.removeAll(declared);
        assertTrue(missing.isEmpty(), "topics used by the services but not declared in k8s/kafka.yaml: " + missing);
    }
}
