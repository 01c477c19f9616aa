package dev.ticketing.payment.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ticketing.engines.Engine;
import dev.ticketing.engines.EngineLauncher;
import dev.ticketing.engines.ReadyFile;
import dev.ticketing.engines.RunningEngine;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A broker of its own that looks like the cluster's (k8s/kafka.yaml): a SASL_SSL listener with SCRAM-SHA-512 users,
 * a certificate the clients trust through a PEM file, an authorizer, and exactly the ACLs the KafkaUsers of
 * k8s/kafka.yaml grant (payment-svc and booking-svc), with the topics declared up front (the cluster creates none).
 * payment-svc is configured through the very variables the chart sets (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*,
 * KAFKA_SSL_TRUSTSTORE_*). The plaintext listener is the test's own (a super user).
 */
public class ScramTlsKafkaTestResource implements QuarkusTestResourceLifecycleManager {

    public static final Map<String, String> PASSWORDS = Map.of(
            "payment-svc", "dev-only-" + UUID.randomUUID(), "booking-svc", "dev-only-" + UUID.randomUUID());
    static final List<String> TOPICS = List.of("order-events", "payment-events", "order-events.payment-svc.dlq");

    private RunningEngine broker;

    /** The JAAS line Strimzi's User Operator writes into the user's Secret (key sasl.jaas.config). */
    public static String jaas(String user) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + PASSWORDS.get(user) + "\";";
    }

    @Override
    public Map<String, String> start() {
        try {
            EngineLauncher launcher = EngineLauncher.fromEnvironment();
            Path dataDir = Files.createTempDirectory("kafka-scram-tls");
            int saslPort = EngineLauncher.freePort();
            List<String> users = PASSWORDS.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList();
            broker = launcher.start(Engine.KAFKA, dataDir, 0, EngineLauncher.freePort(),
                    List.of("--sasl-ssl-port", Integer.toString(saslPort), "--scram-users", String.join(",", users)),
                    ProcessHandle.current());
            Properties ready = ReadyFile.read(dataDir.resolve("ready.properties")).orElseThrow();
            grantAsInTheCluster(launcher.repoRoot().resolve("k8s/kafka.yaml"), broker.address());
            return Map.of(
                    "kafka.bootstrap.servers", ready.getProperty("saslSslBootstrap"),
                    "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                    "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "KAFKA_SASL_JAAS_CONFIG", jaas("payment-svc"),
                    "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                    "KAFKA_SSL_TRUSTSTORE_LOCATION", ready.getProperty("caFile"),
                    "ticketing.test.kafka.admin-bootstrap", broker.address());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the SASL_SSL broker", e);
        }
    }

    /** The topics, and one ACL per operation of every rule of the KafkaUsers named in {@link #PASSWORDS}. */
    private static void grantAsInTheCluster(Path kafkaYaml, String adminBootstrap) throws IOException {
        List<AclBinding> acls = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (var parser = yaml.createParser(kafkaYaml.toFile())) {
            var docs = yaml.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                String user = doc == null ? "" : doc.path("metadata").path("name").asText();
                if (!"KafkaUser".equals(doc == null ? null : doc.path("kind").asText()) || !PASSWORDS.containsKey(user)) {
                    continue;
                }
                for (JsonNode rule : doc.path("spec").path("authorization").path("acls")) {
                    JsonNode r = rule.path("resource");
                    ResourcePattern pattern = new ResourcePattern(
                            ResourceType.valueOf(r.path("type").asText().toUpperCase(Locale.ROOT)), r.path("name").asText(),
                            PatternType.valueOf(r.path("patternType").asText("literal").toUpperCase(Locale.ROOT)));
                    for (JsonNode op : rule.path("operations")) {
                        String name = op.asText().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
                        acls.add(new AclBinding(pattern, new AccessControlEntry("User:" + user, "*",
                                AclOperation.valueOf(name), AclPermissionType.ALLOW)));
                    }
                }
            }
        }
        if (acls.isEmpty()) {
            throw new IllegalStateException("no ACLs for " + PASSWORDS.keySet() + " in " + kafkaYaml);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminBootstrap))) {
            admin.createTopics(TOPICS.stream().map(t -> new NewTopic(t, 3, (short) 1)).toList()).all()
                    .get(60, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the SASL_SSL broker", e);
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(20));
        }
    }
}
