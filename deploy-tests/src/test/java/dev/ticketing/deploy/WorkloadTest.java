package dev.ticketing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deployments, their config and secrets, disruption budgets, autoscaling and network policies. */
class WorkloadTest {

    private static final Map<String, Integer> PORTS = Map.of("auth-svc", 8081, "search-svc", 8082, "queue-svc", 8083,
            "booking-svc", 8084, "payment-svc", 8085);

    private static JsonNode container(JsonNode deployment) {
        JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), "one container per pod");
        return containers.get(0);
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e;
            }
        }
        return null;
    }

    @Test
    void everyDeploymentHasTheThreeProbesOnItsHttpPort() {
        for (Chart.Rendered r : List.of(Chart.defaults(), Chart.nativeImages())) {
            for (String svc : Chart.SERVICES) {
                JsonNode c = container(r.get("Deployment", Chart.svcName(svc)));
                assertEquals(PORTS.get(svc), c.path("ports").get(0).path("containerPort").asInt(), svc);
                assertEquals("http", c.path("ports").get(0).path("name").asText(), svc);
                Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "readinessProbe",
                        "/q/health/ready", "livenessProbe", "/q/health/live");
                probes.forEach((probe, path) -> {
                    JsonNode get = c.path(probe).path("httpGet");
                    assertEquals(path, get.path("path").asText(), svc + " " + probe);
                    assertEquals("http", get.path("port").asText(), svc + " " + probe);
                });
                JsonNode limits = c.path("resources").path("limits");
                assertTrue(limits.has("memory"), svc + " has a memory limit");
                assertTrue(c.path("resources").path("requests").has("cpu"), svc + " requests cpu (the HPA needs it)");
            }
        }
    }

    @Test
    void everyDeploymentRunsNonRootOnAReadOnlyRootWithAWritableTmp() {
        for (String svc : Chart.SERVICES) {
            JsonNode d = Chart.defaults().get("Deployment", Chart.svcName(svc));
            JsonNode pod = d.path("spec").path("template").path("spec");
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), svc);
            assertEquals("RuntimeDefault", pod.path("securityContext").path("seccompProfile").path("type").asText(), svc);
            assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), svc);
            JsonNode sc = container(d).path("securityContext");
            assertTrue(sc.path("runAsNonRoot").asBoolean(), svc);
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), svc);
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), svc);
            assertEquals("ALL", sc.path("capabilities").path("drop").get(0).asText(), svc);
            String tmpVolume = null;
            for (JsonNode m : container(d).path("volumeMounts")) {
                if ("/tmp".equals(m.path("mountPath").asText())) {
                    tmpVolume = m.path("name").asText();
                }
            }
            assertNotNull(tmpVolume, svc + " mounts /tmp");
            boolean emptyDir = false;
            for (JsonNode v : pod.path("volumes")) {
                emptyDir |= tmpVolume.equals(v.path("name").asText()) && v.has("emptyDir");
            }
            assertTrue(emptyDir, svc + " /tmp is an emptyDir");
        }
    }

    @Test
    void configMapCarriesTheNonSecretEnvironmentWithInClusterUrls() {
        JsonNode cm = Chart.defaults().get("ConfigMap", "ticketing-config").path("data");
        assertEquals("http://ticketing-auth-svc:8081/api/auth/jwks", cm.path("TICKETING_AUTH_JWKS_URL").asText());
        assertEquals("http://ticketing-queue-svc:8083/api/queues/.well-known/jwks.json",
                cm.path("TICKETING_QUEUE_JWKS_URL").asText());
        assertEquals("http://ticketing-booking-svc:8084", cm.path("TICKETING_BOOKING_URL").asText());
        for (String key : List.of("TICKETING_KAFKA_BOOTSTRAP", "TICKETING_OPENSEARCH_HOSTS", "TICKETING_PG_HOST",
                "TICKETING_PG_PORT", "TICKETING_REDIS_HOST", "TICKETING_REDIS_PORT", "TICKETING_JWT_ISSUER",
                "TICKETING_JWT_AUDIENCE", "TICKETING_PAYMENT_PROVIDER_URL")) {
            assertFalse(cm.path(key).asText().isBlank(), key);
        }
        for (String svc : Chart.SERVICES) {
            JsonNode c = container(Chart.defaults().get("Deployment", Chart.svcName(svc)));
            assertEquals("ticketing-config", c.path("envFrom").get(0).path("configMapRef").path("name").asText(), svc);
        }
    }

    /** Every TICKETING_* name the chart sets is one the services read (docs/architecture.md or application.properties). */
    @Test
    void everyVariableTheChartSetsIsOneTheServicesRead() throws IOException {
        Set<String> known = new HashSet<>(names(Files.readString(Chart.repoRoot().resolve("docs/architecture.md"))));
        for (String svc : Chart.SERVICES) {
            Path props = Chart.repoRoot().resolve(svc).resolve("src/main/resources/application.properties");
            known.addAll(names(Files.readString(props)));
        }
        Set<String> set = new TreeSet<>();
        Chart.Rendered r = Chart.allOptions();
        r.get("ConfigMap", "ticketing-config").path("data").fieldNames().forEachRemaining(set::add);
        for (JsonNode d : r.ofKind("Deployment")) {
            container(d).path("env").forEach(e -> set.add(e.path("name").asText()));
        }
        set.removeIf(n -> !n.startsWith("TICKETING_"));
        set.removeAll(known);
        assertTrue(set.isEmpty(), () -> "the chart sets variables no service reads: " + set);
    }

    private static Set<String> names(String text) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile("TICKETING_[A-Z0-9_]+").matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        // docs/architecture.md abbreviates siblings: `TICKETING_PG_HOST` / `_PORT` / `_USER` -> TICKETING_PG_PORT, ...
        Matcher abbreviated = Pattern.compile("`(TICKETING_[A-Z0-9_]+)_[A-Z0-9]+`((?:\\s*/\\s*`_[A-Z0-9_]+`)+)").matcher(text);
        while (abbreviated.find()) {
            Matcher suffix = Pattern.compile("`(_[A-Z0-9_]+)`").matcher(abbreviated.group(2));
            while (suffix.find()) {
                out.add(abbreviated.group(1) + suffix.group(1));
            }
        }
        return out;
    }

    @Test
    void secretsAreReferencedByNameAndNeverRendered() {
        for (Chart.Rendered r : List.of(Chart.defaults(), Chart.nativeImages(), Chart.allOptions())) {
            for (JsonNode s : r.ofKind("Secret")) {
                assertFalse(s.toString().contains("PRIVATE KEY"), "Secret " + s.path("metadata").path("name"));
            }
            assertFalse(r.yaml().contains("PRIVATE KEY"), "no key material anywhere in the " + r.name() + " render");
            assertTrue(r.ofKind("Secret").isEmpty(), "the chart references existing Secrets, it creates none");
        }
        Chart.Rendered r = Chart.defaults();
        Map<String, List<String>> secretEnv = Map.of(
                "auth-svc", List.of("TICKETING_PG_USER", "TICKETING_PG_PASSWORD", "TICKETING_ADMIN_PASSWORD"),
                "booking-svc", List.of("TICKETING_PG_USER", "TICKETING_PG_PASSWORD"),
                "payment-svc", List.of("TICKETING_PG_USER", "TICKETING_PG_PASSWORD", "TICKETING_PAYMENT_PROVIDER_SECRET_KEY"),
                "queue-svc", List.of("TICKETING_QUEUE_ADMISSION_KEY"));
        // each service logs in to PostgreSQL as its own role, owner of its database only
        Map.of("auth-svc", "ticketing-pg-auth", "booking-svc", "ticketing-pg-booking", "payment-svc", "ticketing-pg-payment")
                .forEach((svc, secret) -> {
                    JsonNode c = container(r.get("Deployment", Chart.svcName(svc)));
                    for (String v : List.of("TICKETING_PG_USER", "TICKETING_PG_PASSWORD")) {
                        assertEquals(secret, env(c, v).path("valueFrom").path("secretKeyRef").path("name").asText(), svc + " " + v);
                    }
                });
        secretEnv.forEach((svc, vars) -> {
            JsonNode c = container(r.get("Deployment", Chart.svcName(svc)));
            for (String v : vars) {
                JsonNode e = env(c, v);
                assertNotNull(e, svc + " sets " + v);
                assertFalse(e.has("value"), svc + " " + v + " must not be a literal");
                assertFalse(e.path("valueFrom").path("secretKeyRef").path("name").asText().isBlank(), svc + " " + v);
            }
        });
        // auth-svc reads its signing key from a file mounted from a Secret.
        JsonNode auth = r.get("Deployment", Chart.svcName("auth-svc"));
        JsonNode keyFile = env(container(auth), "TICKETING_AUTH_SIGNING_KEY_FILE");
        assertNotNull(keyFile);
        assertTrue(keyFile.path("value").asText().startsWith("/etc/ticketing/auth-keys/"));
        boolean mounted = false;
        for (JsonNode v : auth.path("spec").path("template").path("spec").path("volumes")) {
            mounted |= "ticketing-auth-signing-key".equals(v.path("secret").path("secretName").asText());
        }
        assertTrue(mounted, "signing key Secret mounted");
        assertEquals("/etc/ticketing/auth-keys/previous-1.pem", env(container(Chart.allOptions()
                .get("Deployment", Chart.svcName("auth-svc"))), "TICKETING_AUTH_PREVIOUS_PUBLIC_KEY_FILES").path("value").asText());
    }

    @Test
    void redisPasswordAndKafkaCredentialsComeFromTheEnginesSecrets() {
        Chart.Rendered r = Chart.defaults();
        for (String svc : Chart.SERVICES) {
            JsonNode c = container(r.get("Deployment", Chart.svcName(svc)));
            boolean redis = List.of("queue-svc", "booking-svc").contains(svc);
            JsonNode redisPassword = env(c, "QUARKUS_REDIS_PASSWORD");
            assertEquals(redis, redisPassword != null, svc + " gets the Redis password exactly when it uses Redis");
            if (redis) {
                assertEquals("ticketing-redis", redisPassword.path("valueFrom").path("secretKeyRef").path("name").asText());
            }
            boolean kafka = !"auth-svc".equals(svc);
            JsonNode jaas = env(c, "KAFKA_SASL_JAAS_CONFIG");
            assertEquals(kafka, jaas != null, svc + " gets Kafka credentials exactly when it uses Kafka");
            if (kafka) {
                // the KafkaUser named after the service (k8s/kafka.yaml), whose ACLs are its own
                JsonNode ref = jaas.path("valueFrom").path("secretKeyRef");
                assertEquals(svc, ref.path("name").asText());
                assertEquals("sasl.jaas.config", ref.path("key").asText());
                assertEquals("SCRAM-SHA-512", env(c, "KAFKA_SASL_MECHANISM").path("value").asText());
                // TLS to the broker, trusting only Strimzi's cluster CA (k8s/kafka.yaml's listener on 9093)
                assertEquals("SASL_SSL", env(c, "KAFKA_SECURITY_PROTOCOL").path("value").asText());
                assertEquals("PEM", env(c, "KAFKA_SSL_TRUSTSTORE_TYPE").path("value").asText());
                assertEquals("/etc/ticketing/kafka-ca/ca.crt", env(c, "KAFKA_SSL_TRUSTSTORE_LOCATION").path("value").asText());
                JsonNode pod = Chart.defaults().get("Deployment", Chart.svcName(svc)).path("spec").path("template").path("spec");
                boolean mounted = false;
                for (JsonNode m : c.path("volumeMounts")) {
                    mounted |= "kafka-ca".equals(m.path("name").asText()) && "/etc/ticketing/kafka-ca".equals(m.path("mountPath").asText())
                            && m.path("readOnly").asBoolean();
                }
                assertTrue(mounted, svc + " mounts the Kafka CA read-only");
                boolean fromCaSecret = false;
                for (JsonNode v : pod.path("volumes")) {
                    fromCaSecret |= "kafka-ca".equals(v.path("name").asText())
                            && "ticketing-kafka-cluster-ca-cert".equals(v.path("secret").path("secretName").asText());
                }
                assertTrue(fromCaSecret, svc + ": the CA comes from Strimzi's cluster CA Secret");
            } else {
                assertEquals(null, env(c, "KAFKA_SSL_TRUSTSTORE_LOCATION"), svc + " has no Kafka trust store");
            }
        }
    }

    @Test
    void podsDrainGracefullyAndSpreadOverZonesAndHosts() {
        for (String svc : Chart.SERVICES) {
            JsonNode pod = Chart.defaults().get("Deployment", Chart.svcName(svc)).path("spec").path("template").path("spec");
            JsonNode c = container(Chart.defaults().get("Deployment", Chart.svcName(svc)));
            int sleep = c.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt();
            String quarkus = env(c, "QUARKUS_SHUTDOWN_TIMEOUT").path("value").asText();
            int grace = pod.path("terminationGracePeriodSeconds").asInt();
            assertTrue(sleep > 0, svc);
            assertTrue(quarkus.matches("\\d+s"), quarkus);
            assertTrue(grace > sleep + Integer.parseInt(quarkus.replace("s", "")), svc + ": grace " + grace);
            Set<String> keys = new TreeSet<>();
            for (JsonNode t : pod.path("topologySpreadConstraints")) {
                keys.add(t.path("topologyKey").asText());
                assertEquals(svc, t.path("labelSelector").path("matchLabels").path("app.kubernetes.io/name").asText());
            }
            assertEquals(Set.of("kubernetes.io/hostname", "topology.kubernetes.io/zone"), keys, svc);
        }
        Chart.Rendered hard = Chart.render("zone-only", t -> t.set("image.registry", Chart.REGISTRY)
                .set("topologySpread.host.enabled", "false").set("topologySpread.zone.whenUnsatisfiable", "DoNotSchedule"));
        JsonNode spread = hard.get("Deployment", "ticketing-queue-svc").path("spec").path("template").path("spec")
                .path("topologySpreadConstraints");
        assertEquals(1, spread.size());
        assertEquals("DoNotSchedule", spread.get(0).path("whenUnsatisfiable").asText());
        assertThrows(Exception.class, () -> Chart.render("short-grace", t -> t.set("image.registry", Chart.REGISTRY)
                .set("defaults.shutdown.terminationGracePeriodSeconds", "20")));
    }

    @Test
    void imagesNeedARegistryAndFollowTheChartsAppVersion() {
        Exception e = assertThrows(Exception.class, () -> Chart.render("no-registry", t -> t));
        assertTrue(e.getMessage().contains("image.registry is required"), e.getMessage());
        JsonNode c = container(Chart.render("tagged", t -> t.set("image.registry", "ghcr.io/acme/").set("image.tag", "1.2.3"))
                .get("Deployment", "ticketing-auth-svc"));
        assertEquals("ghcr.io/acme/ticketing/auth-svc:1.2.3", c.path("image").asText());
    }

    @Test
    void theFanUiIsServedAndTheSandboxOnlyWhenAskedFor() {
        Chart.Rendered r = Chart.defaults();
        JsonNode web = container(r.get("Deployment", "ticketing-web"));
        assertEquals(Chart.REGISTRY + "/ticketing/web:0.1.0", web.path("image").asText());
        assertEquals(8080, web.path("ports").get(0).path("containerPort").asInt());
        assertTrue(web.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertEquals(Chart.REGISTRY + "/ticketing/web:0.1.0", container(Chart.nativeImages().get("Deployment", "ticketing-web"))
                .path("image").asText(), "the UI has no native flavour");
        assertTrue(r.find("Deployment", "ticketing-payment-sandbox").isEmpty(), "no sandbox by default");
        assertEquals("https://api.tosspayments.com", r.get("ConfigMap", "ticketing-config").path("data")
                .path("TICKETING_PAYMENT_PROVIDER_URL").asText());

        Chart.Rendered staging = Chart.allOptions();
        JsonNode sandbox = container(staging.get("Deployment", "ticketing-payment-sandbox"));
        assertEquals("ticketing-payment-provider", env(sandbox, "SANDBOX_SECRET_KEY").path("valueFrom").path("secretKeyRef")
                .path("name").asText(), "sandbox and payment-svc share the provider key");
        assertEquals("http://ticketing-payment-sandbox:8086", staging.get("ConfigMap", "ticketing-config").path("data")
                .path("TICKETING_PAYMENT_PROVIDER_URL").asText());
        assertTrue(staging.get("NetworkPolicy", "ticketing-payment-svc").path("spec").path("egress").toString()
                .contains("payment-sandbox"), "payment-svc reaches the sandbox");
        String sandboxIngress = staging.get("NetworkPolicy", "ticketing-payment-sandbox").path("spec").path("ingress").toString();
        assertTrue(sandboxIngress.contains("\"payment-svc\"") && !sandboxIngress.contains("namespaceSelector"), sandboxIngress);
    }

    @Test
    void everyServiceHasADisruptionBudgetSelectingItsPods() {
        Chart.Rendered r = Chart.defaults();
        for (String svc : Chart.SERVICES) {
            JsonNode pdb = r.get("PodDisruptionBudget", Chart.svcName(svc));
            JsonNode podLabels = r.get("Deployment", Chart.svcName(svc)).path("spec").path("template").path("metadata")
                    .path("labels");
            assertSelects(pdb.path("spec").path("selector").path("matchLabels"), podLabels, svc);
        }
    }

    @Test
    void queueAndAuthScaleTooQueueOptionallyOnConnectedSockets() {
        for (String svc : List.of("queue-svc", "auth-svc")) {
            JsonNode hpa = Chart.defaults().get("HorizontalPodAutoscaler", Chart.svcName(svc)).path("spec");
            assertEquals(Chart.svcName(svc), hpa.path("scaleTargetRef").path("name").asText());
            assertEquals("cpu", hpa.path("metrics").get(0).path("resource").path("name").asText());
            assertEquals(1, hpa.path("metrics").size());
            assertFalse(Chart.defaults().get("Deployment", Chart.svcName(svc)).path("spec").has("replicas"), svc);
        }
        JsonNode sockets = Chart.allOptions().get("HorizontalPodAutoscaler", "ticketing-queue-svc").path("spec").path("metrics");
        assertEquals("queue_sockets_connected", sockets.get(1).path("pods").path("metric").path("name").asText());
        assertTrue(Chart.defaults().get("Deployment", "ticketing-search-svc").path("spec").has("replicas"));
    }

    @Test
    void hpaScalesTheBookingDeploymentOnCpuAndOptionallyOnHoldsPerSecond() {
        JsonNode hpa = Chart.defaults().get("HorizontalPodAutoscaler", "ticketing-booking-svc");
        assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
        JsonNode target = hpa.path("spec").path("scaleTargetRef");
        assertEquals("apps/v1", target.path("apiVersion").asText());
        assertEquals("Deployment", target.path("kind").asText());
        assertEquals("ticketing-booking-svc", target.path("name").asText());
        Chart.defaults().get("Deployment", target.path("name").asText());
        JsonNode metrics = hpa.path("spec").path("metrics");
        assertEquals(1, metrics.size(), "CPU only by default");
        assertEquals("cpu", metrics.get(0).path("resource").path("name").asText());
        assertFalse(Chart.defaults().get("Deployment", "ticketing-booking-svc").path("spec").has("replicas"),
                "the HPA owns booking-svc's replica count");

        JsonNode withCustom = Chart.allOptions().get("HorizontalPodAutoscaler", "ticketing-booking-svc")
                .path("spec").path("metrics");
        assertEquals(2, withCustom.size());
        assertEquals("Pods", withCustom.get(1).path("type").asText());
        assertEquals("booking_holds_per_second", withCustom.get(1).path("pods").path("metric").path("name").asText());
    }

    @Test
    void everyServiceHasANetworkPolicyAdmittingOnlyTheIngressNamespaceAndItsCallers() {
        Chart.Rendered r = Chart.defaults();
        for (String svc : Chart.SERVICES) {
            JsonNode np = r.get("NetworkPolicy", Chart.svcName(svc));
            JsonNode podLabels = r.get("Deployment", Chart.svcName(svc)).path("spec").path("template").path("metadata")
                    .path("labels");
            assertSelects(np.path("spec").path("podSelector").path("matchLabels"), podLabels, svc);
            assertEquals("[\"Ingress\",\"Egress\"]", np.path("spec").path("policyTypes").toString(), svc);
            JsonNode fromIngress = np.path("spec").path("ingress").get(0);
            assertEquals("envoy-gateway-system", fromIngress.path("from").get(0).path("namespaceSelector").path("matchLabels")
                    .path("kubernetes.io/metadata.name").asText(), svc);
            assertEquals(PORTS.get(svc).intValue(), fromIngress.path("ports").get(0).path("port").asInt(), svc);
            for (JsonNode rule : np.path("spec").path("ingress")) {
                for (JsonNode from : rule.path("from")) {
                    assertFalse(from.has("ipBlock"), svc + " admits no address ranges");
                    assertTrue(from.has("namespaceSelector") || from.has("podSelector"), svc);
                }
            }
            String egress = np.path("spec").path("egress").toString();
            assertTrue(egress.contains("kube-dns") && egress.contains("\"UDP\""), svc + " resolves DNS");
        }
        String authIngress = r.get("NetworkPolicy", "ticketing-auth-svc").path("spec").path("ingress").toString();
        for (String caller : List.of("search-svc", "queue-svc", "booking-svc", "payment-svc")) {
            assertTrue(authIngress.contains("\"" + caller + "\""), "auth-svc JWKS reachable from " + caller);
        }
        assertTrue(r.get("NetworkPolicy", "ticketing-queue-svc").path("spec").path("ingress").toString()
                .contains("\"booking-svc\""), "booking-svc fetches the admission JWKS");
        Map<String, String> engines = Map.of("auth-svc", "cnpg.io/cluster", "booking-svc", "cnpg.io/cluster",
                "payment-svc", "cnpg.io/cluster", "search-svc", "opensearch.org/opensearch-cluster", "queue-svc",
                "ticketing-redis");
        engines.forEach((svc, label) -> assertTrue(
                r.get("NetworkPolicy", Chart.svcName(svc)).path("spec").path("egress").toString().contains(label),
                svc + " reaches its engine " + label));
        assertFalse(r.get("NetworkPolicy", "ticketing-search-svc").path("spec").path("egress").toString()
                .contains("cnpg.io/cluster"), "only the owners reach PostgreSQL");
    }

    /**
     * The services reach Kafka on k8s/kafka.yaml's TLS listener: the bootstrap address, the network policy's egress
     * port and the listener agree, and that listener is the only one, with TLS and SCRAM.
     */
    @Test
    void servicesReachKafkaOnTheTlsListenerOfTheCluster() throws IOException {
        JsonNode kafka = null;
        try (var parser = Chart.YAML.createParser(Chart.repoRoot().resolve("k8s/kafka.yaml").toFile())) {
            var it = Chart.YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && "Kafka".equals(doc.path("kind").asText())) {
                    kafka = doc;
                }
            }
        }
        assertNotNull(kafka, "k8s/kafka.yaml holds the Kafka cluster");
        JsonNode listeners = kafka.path("spec").path("kafka").path("listeners");
        assertEquals(1, listeners.size(), "one listener: no plain-text way in");
        JsonNode listener = listeners.get(0);
        assertTrue(listener.path("tls").asBoolean(), "the listener speaks TLS");
        assertEquals("scram-sha-512", listener.path("authentication").path("type").asText());
        int port = listener.path("port").asInt();
        Chart.Rendered r = Chart.defaults();
        String bootstrap = r.get("ConfigMap", Chart.RELEASE + "-config").path("data").path("TICKETING_KAFKA_BOOTSTRAP").asText();
        assertTrue(bootstrap.endsWith(":" + port), bootstrap + " is the TLS listener's port " + port);
        assertTrue(bootstrap.startsWith(kafka.path("metadata").path("name").asText() + "-kafka-bootstrap"), bootstrap);
        for (String svc : List.of("search-svc", "queue-svc", "booking-svc", "payment-svc")) {
            boolean egress = false;
            for (JsonNode rule : r.get("NetworkPolicy", Chart.svcName(svc)).path("spec").path("egress")) {
                egress |= rule.toString().contains("\"strimzi.io/cluster\"") && rule.path("ports").toString().contains("\"port\":" + port);
            }
            assertTrue(egress, svc + " may reach the brokers on " + port);
        }
    }

    @Test
    void nativeValuesSwitchImagesAndShrinkResources() {
        for (String svc : Chart.SERVICES) {
            JsonNode jvm = container(Chart.defaults().get("Deployment", Chart.svcName(svc)));
            JsonNode nat = container(Chart.nativeImages().get("Deployment", Chart.svcName(svc)));
            // registry + repository, the tag from the chart's appVersion
            assertEquals(Chart.REGISTRY + "/ticketing/" + svc + ":0.1.0", jvm.path("image").asText());
            assertEquals(Chart.REGISTRY + "/ticketing/" + svc + ":0.1.0-native", nat.path("image").asText());
            // An explicit heap for every service, the same the local stack gives it (docs/footprint.md).
            String heap = Map.of("auth-svc", "160m", "search-svc", "96m", "queue-svc", "256m", "booking-svc", "160m",
                    "payment-svc", "160m").get(svc);
            String opts = String.valueOf(env(jvm, "JAVA_OPTS_APPEND"));
            assertTrue(opts.contains("-Xmx" + heap), svc + ": " + opts);
            assertTrue(opts.contains("-Xms32m") && opts.contains("-XX:+UseSerialGC"), svc + ": " + opts);
            assertTrue(opts.contains("-XX:SharedArchiveFile=/deployments/app-cds.jsa"), svc + ": " + opts);
            assertTrue(opts.contains("-Dquarkus.http.host=0.0.0.0"), svc);
            assertEquals("2", env(jvm, "MALLOC_ARENA_MAX").path("value").asText(), svc);
            assertEquals(null, env(jvm, "JAVA_MAX_MEM_RATIO"), svc);
            assertEquals(null, env(nat, "JAVA_MAX_MEM_RATIO"), svc);
            assertEquals(null, env(nat, "JAVA_OPTS_APPEND"), svc);
            // the limits follow the measured footprint: above idle, with room for the heap and a burst
            assertEquals(Map.of("auth-svc", "448Mi", "search-svc", "320Mi", "queue-svc", "512Mi", "booking-svc", "384Mi",
                    "payment-svc", "416Mi").get(svc), jvm.path("resources").path("limits").path("memory").asText(), svc);
            assertEquals("192Mi", nat.path("resources").path("limits").path("memory").asText());
        }
    }

    private static void assertSelects(JsonNode selector, JsonNode podLabels, String what) {
        assertFalse(selector.isEmpty(), what + " selector is empty");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), podLabels.path(e.getKey()).asText(),
                what + " selector " + e.getKey()));
        Stream.of("app.kubernetes.io/name").forEach(k -> assertTrue(selector.has(k), what + " selects by " + k));
    }
}
