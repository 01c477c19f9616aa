package dev.ticketing.engines;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line for the local stack: {@code up <stateDir> <ownerPid> [kafkaPort] [openSearchPort]} starts the Kafka
 * broker and the OpenSearch node on fixed ports with data kept in {@code stateDir} (restarts keep topics and
 * indices), prints {@code KAFKA=...} and {@code OPENSEARCH=...} lines, and returns; both engines exit when the owner
 * process does. {@code stop <pid>...} stops engines cleanly.
 */
public final class EnginesCli {

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("up")) {
            Path state = Path.of(args[1]).toAbsolutePath();
            ProcessHandle owner = ProcessHandle.of(Long.parseLong(args[2]))
                    .orElseThrow(() -> new IllegalArgumentException("no process " + args[2]));
            int kafkaPort = args.length > 3 ? Integer.parseInt(args[3]) : 9092;
            int osPort = args.length > 4 ? Integer.parseInt(args[4]) : 9200;
            EngineLauncher launcher = EngineLauncher.fromEnvironment();
            List<RunningEngine> started = new ArrayList<>();
            try {
                long t0 = System.nanoTime();
                RunningEngine kafka = launcher.start(Engine.KAFKA, state.resolve("kafka"), kafkaPort, owner);
                started.add(kafka);
                System.out.printf("KAFKA=%s KAFKA_PID=%d KAFKA_SECONDS=%.1f%n", kafka.address(), kafka.pid(),
                        (System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                RunningEngine os = launcher.start(Engine.OPENSEARCH, state.resolve("opensearch"), osPort, owner);
                started.add(os);
                System.out.printf("OPENSEARCH=%s OPENSEARCH_PID=%d OPENSEARCH_SECONDS=%.1f%n", os.address(), os.pid(),
                        (System.nanoTime() - t0) / 1e9);
            } catch (RuntimeException e) {
                started.forEach(r -> r.stop(Duration.ofSeconds(20)));
                System.err.println(e.getMessage());
                System.exit(1);
            }
            return;
        }
        if (args.length >= 4 && (args[0].equals("kafka") || args[0].equals("opensearch"))) {
            // kafka|opensearch <stateDir> <ownerPid> <port>: one engine again on the same data (fault runs restart
            // the broker this way after stopping it)
            ProcessHandle owner = ProcessHandle.of(Long.parseLong(args[2]))
                    .orElseThrow(() -> new IllegalArgumentException("no process " + args[2]));
            Engine engine = args[0].equals("kafka") ? Engine.KAFKA : Engine.OPENSEARCH;
            long t0 = System.nanoTime();
            try {
                RunningEngine r = EngineLauncher.fromEnvironment().start(engine,
                        Path.of(args[1]).toAbsolutePath().resolve(args[0]), Integer.parseInt(args[3]), owner);
                System.out.printf("%s=%s %s_PID=%d %s_SECONDS=%.1f%n", engine, r.address(), engine, r.pid(), engine,
                        (System.nanoTime() - t0) / 1e9);
            } catch (RuntimeException e) {
                System.err.println(e.getMessage());
                System.exit(1);
            }
            return;
        }
        if (args.length >= 5 && args[0].equals("stores")) {
            // stores <stateDir> <ownerPid> <pgPort|0> <redisPort|0> [databases]
            ProcessHandle owner = ProcessHandle.of(Long.parseLong(args[2]))
                    .orElseThrow(() -> new IllegalArgumentException("no process " + args[2]));
            long t0 = System.nanoTime();
            try {
                RunningEngine stores = EngineLauncher.fromEnvironment().start(Engine.STORES,
                        Path.of(args[1]).toAbsolutePath().resolve("stores"), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]), List.of("--databases", args.length > 5 ? args[5] : ""), owner);
                System.out.printf("STORES_PID=%d STORES_SECONDS=%.1f%n", stores.pid(), (System.nanoTime() - t0) / 1e9);
            } catch (RuntimeException e) {
                System.err.println(e.getMessage());
                System.exit(1);
            }
            return;
        }
        if (args.length >= 1 && args[0].equals("stop")) {
            for (int i = 1; i < args.length; i++) {
                long pid = Long.parseLong(args[i]);
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroy();
                    try {
                        h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        h.destroyForcibly();
                    }
                });
            }
            return;
        }
        System.err.println("usage: EnginesCli up <stateDir> <ownerPid> [kafkaPort] [openSearchPort]"
                + " | kafka|opensearch <stateDir> <ownerPid> <port>"
                + " | stores <stateDir> <ownerPid> <pgPort|0> <redisPort|0> [db,db] | stop <pid>...");
        System.exit(2);
    }
}
