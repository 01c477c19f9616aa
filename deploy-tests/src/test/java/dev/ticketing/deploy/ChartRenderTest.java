package dev.ticketing.deploy;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void rendersEveryObjectTheChartOwns() {
        for (Chart.Rendered r : List.of(Chart.defaults(), Chart.nativeImages(), Chart.allOptions())) {
            for (String svc : Chart.SERVICES) {
                for (String kind : List.of("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy")) {
                    r.get(kind, Chart.svcName(svc));
                }
            }
            r.get("HorizontalPodAutoscaler", Chart.svcName("booking-svc"));
            r.get("ConfigMap", Chart.RELEASE + "-config");
            r.get("ConfigMap", Chart.RELEASE + "-grafana-dashboard");
            r.get("ServiceMonitor", Chart.RELEASE);
            r.get("PrometheusRule", Chart.RELEASE);
            assertEquals(3, r.ofKind("Ingress").size(), () -> "Ingresses: " + r.names());
            assertEquals(5, r.ofKind("PodDisruptionBudget").size(), () -> "PDBs: " + r.names());
        }
    }

    @Test
    void renderedManifestsPassTheKubernetesSchemas() {
        List<Path> files = Stream.of(Chart.defaults(), Chart.nativeImages(), Chart.allOptions())
                .map(Chart.Rendered::file).toList();
        SchemaValidator.Result result = SchemaValidator.validate(false, files);
        assertEquals(0, result.exitCode(), () -> "schema validation failed:\n" + result.output());
        assertFalse(result.output().contains("NOSCHEMA"), result.output());
        assertTrue(result.output().contains("OK autoscaling/v2 HorizontalPodAutoscaler"), result.output());
        assertTrue(result.output().contains("OK monitoring.coreos.com/v1 PrometheusRule"), result.output());
    }

    /** k8s/: built-in kinds are validated; the operators' custom resources have no schema here and are only parsed. */
    @Test
    void clusterManifestsUnderK8sParseAndBuiltInKindsPassTheSchemas() throws IOException {
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
        for (String kind : List.of("kafka.strimzi.io/v1beta2 Kafka", "kafka.strimzi.io/v1beta2 KafkaNodePool",
                "kafka.strimzi.io/v1beta2 KafkaTopic", "postgresql.cnpg.io/v1 Cluster", "postgresql.cnpg.io/v1 Database",
                "opensearch.opster.io/v1 OpenSearchCluster")) {
            assertTrue(result.output().contains(kind), () -> kind + " missing from k8s/:\n" + result.output());
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
