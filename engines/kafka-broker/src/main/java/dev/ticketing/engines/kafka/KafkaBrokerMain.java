package dev.ticketing.engines.kafka;

import dev.ticketing.engines.EngineArgs;
import dev.ticketing.engines.ReadyFile;
import dev.ticketing.engines.Watchdog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker in KRaft combined mode (broker + controller, one node) in this JVM. Formats the log directory
 * on first start, keeps it on restart, reports readiness only once an Admin client can list topics, and exits when
 * its owner process does.
 */
public final class KafkaBrokerMain {

    public static void main(String[] argv) throws Exception {
        EngineArgs args = EngineArgs.parse(argv);
        Path dataDir = args.path("data-dir").toAbsolutePath();
        Path logDir = dataDir.resolve("kraft-logs");
        Files.createDirectories(logDir);
        int port = args.intValue("port");
        int controllerPort = stickyControllerPort(dataDir, args.intValue("second-port"));

        Path serverProps = dataDir.resolve("server.properties");
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        // Optionally a cluster-like way in as well: SASL_SSL with SCRAM-SHA-512 users and ACLs (Strimzi's TLS
        // listener). The plaintext listener stays for the owner (User:ANONYMOUS, a super user: topics and ACLs).
        String saslSslBootstrap = null;
        Path caFile = dataDir.resolve("ca.pem");
        List<String> scram = new ArrayList<>();
        if (args.values().containsKey("sasl-ssl-port")) {
            int saslPort = args.intValue("sasl-ssl-port");
            saslSslBootstrap = "localhost:" + saslPort;
            String storePassword = selfSignedKeystore(dataDir, caFile);
            p.put("listeners", p.get("listeners") + ",SASL_SSL://127.0.0.1:" + saslPort);
            p.put("advertised.listeners", p.get("advertised.listeners") + ",SASL_SSL://" + saslSslBootstrap);
            p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", dataDir.resolve("broker.p12").toString());
            p.put("ssl.keystore.password", storePassword);
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:ANONYMOUS");
            for (String user : args.values().getOrDefault("scram-users", "").split(",")) {
                if (!user.isBlank()) {
                    int colon = user.indexOf(':');
                    scram.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=" + user.substring(0, colon)
                            + ",password=" + user.substring(colon + 1) + "]"));
                }
            }
        }
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        try (Writer w = Files.newBufferedWriter(serverProps)) {
            p.store(w, "written by KafkaBrokerMain");
        }

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            List<String> format = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
                    "-c", serverProps.toString(), "--ignore-formatted"));
            format.addAll(scram);
            int rc = kafka.tools.StorageTool.execute(format.toArray(String[]::new), System.out);
            if (rc != 0) {
                System.err.println("[engine] kafka storage format failed: " + rc);
                System.exit(rc);
            }
        }

        Watchdog.exitWhenGone(args.ownerPid());
        Path readyFile = args.path("ready-file");
        String bootstrap = "127.0.0.1:" + port;
        Map<String, String> readyFacts = saslSslBootstrap == null ? Map.of("bootstrap", bootstrap)
                : Map.of("bootstrap", bootstrap, "saslSslBootstrap", saslSslBootstrap, "caFile", caFile.toString());
        Thread ready = new Thread(() -> awaitReady(bootstrap, readyFile, readyFacts), "ready-check");
        ready.setDaemon(true);
        ready.start();

        // Blocks until shutdown; its shutdown hook stops the server cleanly on SIGTERM or System.exit.
        kafka.Kafka.main(new String[] {serverProps.toString()});
    }

    private static int stickyControllerPort(Path dataDir, int proposed) throws IOException {
        Path f = dataDir.resolve("controller.port");
        if (Files.exists(f)) {
            return Integer.parseInt(Files.readString(f).trim());
        }
        Files.writeString(f, Integer.toString(proposed));
        return proposed;
    }

    /**
     * A self-signed certificate for localhost/127.0.0.1 in a PKCS#12 key store (the JDK's keytool), and the same
     * certificate as PEM in {@code caFile}: what a client trusts, like the cluster CA Strimzi publishes.
     */
    private static String selfSignedKeystore(Path dataDir, Path caFile) throws IOException, InterruptedException {
        Path store = dataDir.resolve("broker.p12");
        String password = "dev-only-" + Uuid.randomUuid();
        Files.deleteIfExists(store);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", password, "-keypass", password));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", password, "-file", caFile.toString()));
        return password;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command.subList(0, 2)) + " failed: " + out);
        }
    }

    private static void awaitReady(String bootstrap, Path readyFile, Map<String, String> facts) {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        while (true) {
            try (Admin admin = Admin.create(conf)) {
                admin.listTopics().names().get(10, TimeUnit.SECONDS);
                ReadyFile.write(readyFile, facts);
                System.out.println("[engine] kafka ready at " + bootstrap);
                return;
            } catch (Exception notYet) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
