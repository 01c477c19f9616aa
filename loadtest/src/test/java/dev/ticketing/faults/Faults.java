package dev.ticketing.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Injects the faults of a run into the local stack started by {@code ./ticketing up} (which supervises the services
 * and writes {@code .devstack/pids/*.pid}): kill -9 of a service (the supervisor restarts it, like a kubelet), the
 * Kafka broker stopped and started again on its data, Redis killed and restarted on its append-only file, booking-svc's
 * connection pool exhausted behind a table lock, and a misbehaving payment provider. Each fault returns once the
 * system is healthy again; the log records when.
 */
final class Faults {

    record Injected(String fault, Instant at, Instant recovered, String detail) {
    }

    static final Map<String, Integer> PORTS = Map.of("auth-svc", 8081, "search-svc", 8082, "queue-svc", 8083,
            "booking-svc", 8084, "payment-svc", 8085);

    private final FaultParams p;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    final List<Injected> log = Collections.synchronizedList(new ArrayList<>());
    /** 500s (or 5xx without problem+json) the pool-exhaustion readers saw: defects like the fans'. */
    final List<String> poolDefects = Collections.synchronizedList(new ArrayList<>());
    private volatile String showtimeId;
    private volatile String performanceId;

    Faults(FaultParams p) {
        this.p = p;
    }

    void showtime(String id) {
        this.showtimeId = id;
    }

    void performance(String id) {
        this.performanceId = id;
    }

    void inject(String fault) throws Exception {
        Instant at = Instant.now();
        System.out.printf("[faults] %s  injecting %s%n", at, fault);
        String detail = switch (fault) {
            case "booking-svc", "payment-svc", "queue-svc", "search-svc", "auth-svc" -> killService(fault);
            case "kafka" -> restartKafka();
            case "redis" -> restartRedis();
            case "booking-db-pool" -> exhaustBookingPool();
            case "provider" -> misbehavingProvider();
            case "late-capture" -> lateCaptures();
            default -> throw new IllegalArgumentException("unknown fault " + fault + " (known: " + FaultParams.ALL_FAULTS + ")");
        };
        Instant recovered = Instant.now();
        log.add(new Injected(fault, at, recovered, detail));
        System.out.printf("[faults] %s  recovered from %s in %d s: %s%n", recovered, fault,
                Duration.between(at, recovered).toSeconds(), detail);
    }

    private String killService(String svc) throws Exception {
        long pid = pid(svc);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL: no shutdown hooks, no goodbyes
        long deadline = System.currentTimeMillis() + 180_000;
        while (pid(svc) == pid || !ready("http://127.0.0.1:" + PORTS.get(svc) + "/q/health/ready")) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(svc + " did not come back within 180 s after kill -9");
            }
            Thread.sleep(250);
        }
        return "kill -9 pid " + pid + ", restarted as pid " + pid(svc);
    }

    private String restartKafka() throws Exception {
        long pid = pid("kafka");
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no kafka process " + pid));
        h.destroy(); // SIGTERM: the broker stops as it would on a node drain
        h.onExit().get(60, TimeUnit.SECONDS);
        Thread.sleep(p.kafkaDownSeconds() * 1000L);
        Process start = new ProcessBuilder("java", "-cp", p.repoRoot().resolve("engines/engine-core/target/classes").toString(),
                "-Dticketing.repo.root=" + p.repoRoot(), "dev.ticketing.engines.EnginesCli", "kafka",
                p.stateDir().resolve("engines").toString(), Long.toString(pid("ticketing")), "9092")
                .redirectErrorStream(true).start();
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (start.waitFor() != 0) {
            throw new IllegalStateException("kafka did not start again: " + out);
        }
        Matcher m = Pattern.compile("KAFKA_PID=(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no KAFKA_PID in: " + out);
        }
        Files.writeString(p.stateDir().resolve("pids/kafka.pid"), m.group(1));
        return "SIGTERM pid " + pid + ", down " + p.kafkaDownSeconds() + " s, started again as pid " + m.group(1);
    }

    private String restartRedis() throws Exception {
        // The case this fault must cover every run: booking events arriving while Redis is down. queue-svc's consumer
        // must hold its partitions for that (after a kill -9 or a broker restart the group may still be rebalancing).
        String assigned = awaitBookingEventsAssigned();
        String pidText = redisCli("info", "server").lines().filter(l -> l.startsWith("process_id:"))
                .map(l -> l.substring("process_id:".length()).trim()).findFirst()
                .orElseThrow(() -> new IllegalStateException("redis on :" + p.redisPort() + " did not answer INFO"));
        long pid = Long.parseLong(pidText);
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        h.destroyForcibly(); // a crash: only what the append-only file has (fsync every second) survives
        h.onExit().get(30, TimeUnit.SECONDS);
        Thread.sleep(3000);
        String during;
        try {
            during = bookingEventsWhileRedisIsDown();
        } finally {
            startRedisAgain(); // whatever the probe saw: a Redis left down would fail everything after it
        }
        return "kill -9 pid " + pid + ", restarted on its append-only file (" + redisCli("dbsize").trim() + " keys); "
                + assigned + "; " + during;
    }

    private void startRedisAgain() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("redisServer", "redis-server")));
        cmd.addAll(List.of(System.getProperty("redisArgs", "").trim().split("\\s+")));
        Process start = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (start.waitFor() != 0) {
            throw new IllegalStateException("redis did not start again: " + out);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (!redisCli("ping").contains("PONG")) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("redis not answering after restart");
            }
            Thread.sleep(250);
        }
        // the services notice by themselves; wait until queue-svc answers ready again
        while (!ready("http://127.0.0.1:8083/q/health/ready") && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
    }

    /** Waits (up to 180 s) until queue-svc's group is stable with booking-events partitions assigned. */
    private String awaitBookingEventsAssigned() throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", p.kafkaBootstrap());
        props.put("request.timeout.ms", 10_000);
        props.put("default.api.timeout.ms", 15_000);
        long start = System.currentTimeMillis();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            while (true) {
                try {
                    var group = admin.describeConsumerGroups(List.of("queue-svc")).all().get(20, TimeUnit.SECONDS)
                            .get("queue-svc");
                    boolean assigned = group.groupState() == org.apache.kafka.common.GroupState.STABLE
                            && group.members().stream().anyMatch(m -> m.assignment().topicPartitions().stream()
                            .anyMatch(tp -> tp.topic().equals("booking-events")));
                    if (assigned) {
                        return "queue-svc held booking-events after " + (System.currentTimeMillis() - start) / 1000 + " s";
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // broker still coming back: ask again
                }
                if (System.currentTimeMillis() - start > 180_000) {
                    throw new IllegalStateException("queue-svc's consumer group had no booking-events partitions for 180 s");
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * Publishes booking events (abandoned bookings of fans who never entered: idempotent no-ops for the room) and
     * waits until queue-svc's consumer has met the outage on them ({@code ticketing_events_retries_total}).
     */
    private String bookingEventsWhileRedisIsDown() throws Exception {
        double before = metric(8083, "ticketing_events_retries_total{channel=\"booking-events\"");
        int n = 5;
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", p.kafkaBootstrap());
        props.put("acks", "all");
        props.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            for (int i = 0; i < n; i++) {
                String event = Http.JSON.createObjectNode().put("eventId", java.util.UUID.randomUUID().toString())
                        .put("type", "BookingAbandoned").put("schemaVersion", 1)
                        .put("occurredAt", Instant.now().toString()).put("performanceId", performanceId)
                        .put("userId", "fault-probe-" + java.util.UUID.randomUUID()).toString();
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("booking-events", performanceId,
                        event)).get(30, TimeUnit.SECONDS);
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        double now = before;
        while ((now = metric(8083, "ticketing_events_retries_total{channel=\"booking-events\"")) <= before) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("queue-svc's booking-events consumer did not meet the Redis outage in 60 s"
                        + " (retries " + before + " -> " + now + ")");
            }
            Thread.sleep(250);
        }
        return n + " booking events published while Redis was down (queue-svc retried " + (long) (now - before) + "x)";
    }

    /** A counter or gauge from a service's /q/metrics, summed over the series that start with {@code series}; 0 if none. */
    double metric(int port, String series) {
        return series(port, series).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The series of a service's /q/metrics that start with {@code prefix}, by their full name and labels. */
    Map<String, Double> series(int port, String prefix) {
        Map<String, Double> out = new java.util.TreeMap<>();
        try {
            String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            body.lines().filter(l -> l.startsWith(prefix)).forEach(l -> out.put(l.substring(0, l.lastIndexOf(' ')),
                    Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
        } catch (IOException e) {
            out.put(prefix + " unreadable: " + e.getMessage(), Double.NaN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /**
     * Records on every dead-letter topic ({@code <topic>.<service>.dlq}): the sum of the partitions' end offsets,
     * which a service restart does not reset (unlike the services' counters).
     */
    Map<String, Long> deadLetterOffsets() throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", p.kafkaBootstrap());
        props.put("request.timeout.ms", 10_000);
        props.put("default.api.timeout.ms", 20_000);
        Map<String, Long> out = new java.util.TreeMap<>();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            List<String> dlqs = admin.listTopics().names().get(20, TimeUnit.SECONDS).stream()
                    .filter(t -> t.endsWith(".dlq")).sorted().toList();
            if (dlqs.isEmpty()) {
                return out;
            }
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ask = new java.util.HashMap<>();
            admin.describeTopics(dlqs).allTopicNames().get(20, TimeUnit.SECONDS).forEach((topic, d) -> d.partitions()
                    .forEach(pi -> ask.put(new org.apache.kafka.common.TopicPartition(topic, pi.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            admin.listOffsets(ask).all().get(20, TimeUnit.SECONDS)
                    .forEach((tp, r) -> out.merge(tp.topic(), r.offset(), Long::sum));
        }
        return out;
    }

    /** One inline Redis command over a socket (no redis-cli needed); the reply as text, "" when Redis is down. */
    private String redisCli(String... args) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", p.redisPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((String.join(" ", args) + "\r\n").getBytes(StandardCharsets.UTF_8));
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            String first = readLine(in);
            if (first.startsWith("$") && !first.equals("$-1")) {
                byte[] body = new byte[Integer.parseInt(first.substring(1))];
                in.readFully(body);
                return new String(body, StandardCharsets.UTF_8);
            }
            return first.isEmpty() ? "" : first.substring(1); // +PONG, :42, -ERR ...
        } catch (IOException e) {
            return "";
        }
    }

    private static String readLine(java.io.DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /**
     * Every booking-svc connection ends up waiting on a lock another client holds on the seat table, and more
     * requests arrive than the pool has connections: those must be refused quickly with 503 + Retry-After, and the
     * service must serve normally once the lock is gone.
     */
    private String exhaustBookingPool() throws Exception {
        String url = "jdbc:postgresql://" + FaultParams.env("TICKETING_PG_HOST", "127.0.0.1") + ":"
                + FaultParams.env("TICKETING_PG_PORT", "5432") + "/" + FaultParams.str("bookingDb", "booking");
        ExecutorService pool = Executors.newFixedThreadPool(60);
        Map<Integer, Long> answers = new java.util.concurrent.ConcurrentSkipListMap<>();
        try (Connection db = DriverManager.getConnection(url, FaultParams.env("TICKETING_PG_USER", "postgres"),
                FaultParams.env("TICKETING_PG_PASSWORD", ""))) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                s.execute("lock table seat in access exclusive mode");
            }
            Http http = new Http(p.baseUrl());
            long until = System.currentTimeMillis() + p.poolExhaustSeconds() * 1000L;
            for (int i = 0; i < 60; i++) {
                pool.submit(() -> {
                    while (System.currentTimeMillis() < until) {
                        Http.Answer a = http.once("GET", "/api/showtimes/" + showtimeId + "/seats", null, null, Map.of());
                        answers.merge(a.status(), 1L, Long::sum);
                        if (a.status() == 500 || a.status() > 500 && !a.contentType().startsWith("application/problem+json")) {
                            poolDefects.add(a.status() + " " + Http.abbreviate(a.body()));
                        }
                    }
                });
            }
            Thread.sleep(p.poolExhaustSeconds() * 1000L);
            db.rollback();
        }
        pool.shutdown();
        pool.awaitTermination(120, TimeUnit.SECONDS);
        if (!ready("http://127.0.0.1:8084/q/health/ready")) {
            throw new IllegalStateException("booking-svc not ready after the pool was exhausted");
        }
        return "seat table locked " + p.poolExhaustSeconds() + " s under 60 parallel seat-map readers; answers by status " + answers;
    }

    /**
     * Late successes: half the confirms of approving cards are neither answered nor visible for 70 s, then captured
     * anyway — longer than payment-svc's whole retry schedule (5 attempts), so only its settle window keeps those
     * payments from ending FAILED (seats released) while the money lands. The checker's ledger check (money only
     * for confirmed tickets) is the verdict.
     */
    private String lateCaptures() throws Exception {
        send("PUT", p.sandboxUrl() + "/sandbox/settings", "{\"lateDelayMillis\":70000}");
        send("PUT", p.sandboxUrl() + "/sandbox/chaos", "{\"lateSuccessRate\":0.5}");
        Thread.sleep(p.chaosSeconds() * 1000L);
        String after = send("PUT", p.sandboxUrl() + "/sandbox/chaos", "{}");
        return "late successes (unanswered and invisible 70 s, then captured) at 50% for " + p.chaosSeconds() + " s: " + after;
    }

    private String misbehavingProvider() throws Exception {
        String chaos = "{\"errorRate\":0.25,\"slowRate\":0.25,\"slowMillis\":9000,\"lostAnswerRate\":0.25}";
        send("PUT", p.sandboxUrl() + "/sandbox/chaos", chaos);
        Thread.sleep(p.chaosSeconds() * 1000L);
        String after = send("PUT", p.sandboxUrl() + "/sandbox/chaos", "{}");
        return "provider failing/slow (9 s)/losing answers, each at 25%, for " + p.chaosSeconds() + " s: " + after;
    }

    private String send(String method, String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    boolean ready(String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private long pid(String name) throws IOException {
        Path f = p.stateDir().resolve("pids/" + name + ".pid");
        if (!Files.exists(f)) {
            throw new IllegalStateException("no " + f + ": the fault run needs a stack started by ./ticketing up");
        }
        String s = Files.readString(f).trim();
        return s.isEmpty() ? -1 : Long.parseLong(s);
    }
}
