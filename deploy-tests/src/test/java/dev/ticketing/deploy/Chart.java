package dev.ticketing.deploy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** The chart under test: renders it with the embedded Helm (helm-java) and gives the objects back as JSON trees. */
final class Chart {

    static final String RELEASE = "ticketing";
    static final String NAMESPACE = "ticketing";
    /** helm template assumes v1.20 without a cluster; render for a supported version (Chart.yaml: >=1.27). */
    static final String KUBE_VERSION = "v1.31.0";
    static final List<String> SERVICES = List.of("auth-svc", "search-svc", "queue-svc", "booking-svc", "payment-svc");

    // Duplicate keys are an error (Kubernetes would reject or silently merge them).
    static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private Chart() {
    }

    static Path dir() {
        return Path.of(System.getProperty("ticketing.chart.dir", "../helm/ticketing")).toAbsolutePath().normalize();
    }

    static Path repoRoot() {
        return dir().getParent().getParent();
    }

    static Helm helm() {
        return new Helm(dir());
    }

    /** The one value an install must give: where the images are. */
    static final String REGISTRY = "registry.example/acme";

    /** The default values (JVM images, Gateway API edge), with the required registry. */
    static Rendered defaults() {
        return render("default", t -> t.set("image.registry", REGISTRY).set("metrics.forceMonitoringCrds", "true"));
    }

    /** values-native.yaml on top of the defaults. */
    static Rendered nativeImages() {
        return render("native", t -> t.set("image.registry", REGISTRY).set("metrics.forceMonitoringCrds", "true")
                .withValuesFile(dir().resolve("values-native.yaml")));
    }

    /** The Envoy Gateway flavour of the edge (and, like every render without the force flag: no Prometheus Operator CRDs): SecurityPolicy extAuth, traffic policies, EnvoyProxy access log. */
    static Rendered envoyGateway() {
        return render("envoy-gateway", t -> t.set("image.registry", REGISTRY).set("edge.flavor", "envoy-gateway"));
    }

    /** The ingress-nginx flavour of the edge, kept for clusters that still run it. */
    static Rendered ingressNginx() {
        return render("ingress-nginx", t -> t.set("image.registry", REGISTRY).set("edge.flavor", "ingress-nginx"));
    }

    /** Every optional branch switched on: custom HPA metric, host + TLS, extra config. */
    static Rendered allOptions() {
        return render("all-options", t -> t
                .set("image.registry", REGISTRY)
                .set("metrics.forceMonitoringCrds", "true")
                .set("autoscaling.booking.customMetric.enabled", "true")
                .set("autoscaling.queue.customMetric.enabled", "true")
                .set("edge.host", "tickets.example.com")
                .set("edge.tls.enabled", "true")
                .set("sandbox.enabled", "true")
                .set("secrets.authSigningKey.previousPublicKeys[0]", "previous-1.pem")
                .set("metrics.serviceMonitor.labels.release", "kube-prometheus-stack")
                .set("config.extra.QUARKUS_LOG_CONSOLE_JSON", "true"));
    }

    static Rendered render(String name, UnaryOperator<TemplateCommand> options) {
        return CACHE.computeIfAbsent(name, n -> {
            TemplateCommand command = helm().template().withName(RELEASE).withNamespace(NAMESPACE)
                    .withKubeVersion(KUBE_VERSION);
            String yaml = options.apply(command).call();
            return Rendered.parse(n, yaml);
        });
    }

    /** One render: the YAML text (also written to target/rendered/) and its objects. */
    record Rendered(String name, String yaml, Path file, List<JsonNode> objects) {

        static Rendered parse(String name, String yaml) {
            List<JsonNode> objects = new ArrayList<>();
            try (var parser = YAML.createParser(yaml)) {
                var it = YAML.readValues(parser, JsonNode.class);
                while (it.hasNext()) {
                    JsonNode node = it.next();
                    if (node != null && node.isObject() && !node.isEmpty()) {
                        objects.add(node);
                    }
                }
                Path file = SchemaValidator.moduleDir().resolve("target/rendered/" + name + ".yaml");
                Files.createDirectories(file.getParent());
                Files.writeString(file, yaml);
                return new Rendered(name, yaml, file, List.copyOf(objects));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse the " + name + " render", e);
            }
        }

        List<JsonNode> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        }

        Optional<JsonNode> find(String kind, String name) {
            return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst();
        }

        JsonNode get(String kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError(
                    "no " + kind + " named " + name + " in the " + this.name + " render; have: " + names()));
        }

        List<String> names() {
            return objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
                    .toList();
        }
    }

    static String svcName(String service) {
        return RELEASE + "-" + service;
    }

    static ObjectNode routesTable() {
        try {
            return (ObjectNode) YAML.readTree(dir().resolve("routes.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
