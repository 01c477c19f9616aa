package dev.ticketing.queue;

import dev.ticketing.queue.room.RoomConfigRequest;
import dev.ticketing.queue.room.RoomKeys;
import dev.ticketing.queue.room.Rooms;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;

/**
 * Prints figures; asserts nothing about speed (-Pbench only, see docs/benchmarks-queue-svc.md). Baseline measured in
 * the same run: redis-benchmark ZADD at the same concurrency against the same Redis.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class WaitingRoomBenchmark {

    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
    private static final int REQUESTS = Integer.getInteger("bench.requests", 20_000);
    private static final int SOCKETS = Integer.getInteger("bench.sockets", 10_000);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Rooms rooms;

    @Inject
    WaitingRoom room;

    @Inject
    RedisDataSource redis;

    @Test
    void figures() throws Exception {
        double zadd = redisBenchmarkZadd();
        double enter = enterPerSecond();
        System.out.printf("%nBENCH enter: %.0f req/s over HTTP (c=%d, n=%d) vs redis-benchmark ZADD %.0f ops/s (c=%d): ratio %.3f%n",
                enter, CONCURRENCY, REQUESTS, zadd, CONCURRENCY, enter / zadd);
        admissionsPerSecond();
        sockets();
    }

    private double redisBenchmarkZadd() throws Exception {
        Process p = new ProcessBuilder("redis-benchmark", "-h", RedisTestResource.host(), "-p",
                Integer.toString(RedisTestResource.port()), "--dbnum", "3", "-c", Integer.toString(CONCURRENCY),
                "-n", Integer.toString(REQUESTS * 5), "-r", "100000", "-q", "-t", "zadd").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Matcher m = Pattern.compile("ZADD: ([0-9.]+) requests per second").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("redis-benchmark said: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private double enterPerSecond() throws Exception {
        String id = openRoom(rooms, 1, 600, 100);
        List<String> tokens = IntStream.range(0, 2000).parallel().mapToObj(i -> QueueTestSupport.token(newUser())).toList();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        URI uri = base.resolve("/api/queues/" + id + "/entries");
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < REQUESTS) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + tokens.get(i % tokens.size()))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() >= 300) {
                        errors.incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }
        };
        // Warm-up, then the measured run.
        next.set(REQUESTS - 2000);
        runAll(pool, worker);
        next.set(0);
        long t0 = System.nanoTime();
        runAll(pool, worker);
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        if (errors.get() > 0) {
            System.out.println("BENCH enter errors: " + errors.get());
        }
        return REQUESTS / seconds;
    }

    private static void runAll(ExecutorService pool, Runnable worker) throws Exception {
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            fs.add(pool.submit(worker));
        }
        for (var f : fs) {
            f.get();
        }
    }

    /** The admit script's own throughput: 20,000 waiting users admitted in rounds of up to 100 (capacity raised by 100 each round). */
    private void admissionsPerSecond() {
        String id = openRoom(rooms, 1, 600, 1_000_000);
        int users = 20_000;
        for (int i = 0; i < users; i++) {
            room.enter(id, "u" + i, null).await().indefinitely();
        }
        var zset = redis.sortedSet(String.class);
        long t0 = System.nanoTime();
        int rounds = 0;
        while (zset.zcard(new RoomKeys(id).waiting()) > 0) {
            rooms.configure(id, new RoomConfigRequest((int) zset.zcard(new RoomKeys(id).active()) + 100, 600, 1_000_000));
            room.admit(id).await().indefinitely();
            rounds++;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("BENCH admissions: %.0f admissions/s (%d users, %d rounds of <= 100, incl. 3 extra Redis calls per round)%n",
                (users - 1) / seconds, users, rounds);
    }

    /** SOCKETS waiters on this JVM, clients in another JVM (WsLoadClient); update intervals and server RSS. */
    private void sockets() throws Exception {
        String id = openRoom(rooms, 1, 600, 1);
        room.enter(id, newUser(), null).await().indefinitely(); // holds the only slot: everyone else waits
        Path tokens = Files.createTempFile("queue-bench-tokens", ".txt");
        Files.write(tokens, IntStream.range(0, SOCKETS).parallel().mapToObj(i -> QueueTestSupport.token(newUser())).toList());
        long rssBefore = rssMb();
        String prefix = "ws://" + base.getHost() + ":" + base.getPort() + "/api/queues/" + id + "/ws";
        Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), WsLoadClient.class.getName(), prefix, tokens.toString(), "10")
                .redirectErrorStream(true).start();
        long peakRss = rssBefore;
        while (!client.waitFor(1, TimeUnit.SECONDS)) {
            peakRss = Math.max(peakRss, rssMb());
        }
        String out = new String(client.getInputStream().readAllBytes()).trim();
        System.out.printf("BENCH sockets: %s; server JVM RSS %d MB before, %d MB peak%n", out, rssBefore, peakRss);
        Files.deleteIfExists(tokens);
    }

    private static long rssMb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L) / 1024;
    }

}
