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
            int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", serverProps.toString(), "--ignore-formatted"}, System.out);
            if (rc != 0) {
                System.err.println("[engine] kafka storage format failed: " + rc);
                System.exit(rc);
            }
        }

        Watchdog.exitWhenGone(args.ownerPid());
        Path readyFile = args.path("ready-file");
        String bootstrap = "127.0.0.1:" + port;
        Thread ready = new Thread(() -> awaitReady(bootstrap, readyFile), "ready-check");
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

    private static void awaitReady(String bootstrap, Path readyFile) {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        while (true) {
            try (Admin admin = Admin.create(conf)) {
                admin.listTopics().names().get(10, TimeUnit.SECONDS);
                ReadyFile.write(readyFile, Map.of("bootstrap", bootstrap));
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
