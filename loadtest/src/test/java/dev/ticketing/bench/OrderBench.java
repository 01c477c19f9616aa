package dev.ticketing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jose4j.jwk.RsaJsonWebKey;

import java.io.BufferedWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The JVM side of {@code loadtest/bench/order-bench.sh}: a client in its own process, never inside a service.
 * <ul>
 *   <li>{@code serve <dir> <issuer> <audience>}: two throwaway RSA keys playing auth-svc's and queue-svc's, their
 *   JWKS served on 127.0.0.1 ({@code jwks.port}), {@code admin.token}; then, for every {@code <name>.request} file
 *   ("performanceId count") that appears, fresh fans: {@code <name>.fans} ("userId accessToken admissionToken" per
 *   line), {@code <name>.sessions.redis} (the admission sessions queue-svc's admission round would write) and
 *   {@code <name>.done}. Serves until killed.</li>
 *   <li>{@code race <base> <showtimeId> <fans> <seats> <concurrency> <attempts>} (P4b): every fan tries a random
 *   seat, on 409 another, up to {@code attempts}; prints attempts/s, latency percentiles, winners and seats won
 *   twice (client side).</li>
 *   <li>{@code orders <base> <showtimeId> <fans> <seats> <rate> <seconds> <maxInFlight>} (P5): an open model — fan i
 *   starts at i/rate s, holds seat i and orders it with {@code tok_approve}; prints the offered and achieved rates,
 *   hold and order latencies, lateness of the schedule and writes {@code orders.txt} (order ids).</li>
 * </ul>
 * Lines starting with BENCH are figures; nothing here asserts a target.
 */
public final class OrderBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OrderBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "serve" -> serve(Path.of(args[1]), args[2], args[3]);
            case "race" -> race(args[1], args[2], Path.of(args[3]), Path.of(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]));
            case "orders" -> orders(args[1], args[2], Path.of(args[3]), Path.of(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]), Path.of(args[8]));
            default -> {
                System.err.println("usage: OrderBench serve|race|orders … (see the class comment)");
                System.exit(2);
            }
        }
        System.exit(0); // the HTTP client's executor threads would keep the JVM alive
    }

    // ---- keys, JWKS and fans --------------------------------------------------------------------------------------

    static void serve(Path dir, String issuer, String audience) throws Exception {
        Files.createDirectories(dir);
        RsaJsonWebKey auth = BenchTokens.key("order-bench-auth");
        RsaJsonWebKey queue = BenchTokens.key("order-bench-queue");
        int port = BenchTokens.serve(Map.of("/auth-jwks.json", BenchTokens.jwks(auth), "/queue-jwks.json", BenchTokens.jwks(queue)));
        BenchTokens.write(dir.resolve("jwks.port"), Integer.toString(port));
        BenchTokens.write(dir.resolve("admin.token"), BenchTokens.access(auth, issuer, audience, UUID.randomUUID().toString(), List.of("admin"), 7200));
        Set<String> done = new HashSet<>();
        while (true) {
            try (var files = Files.list(dir)) {
                for (Path request : files.filter(p -> p.toString().endsWith(".request")).toList()) {
                    String name = request.getFileName().toString().replace(".request", "");
                    if (done.add(name)) {
                        String[] r = Files.readString(request).trim().split(" ");
                        signFans(dir, name, r[0], Integer.parseInt(r[1]), auth, queue, issuer, audience);
                    }
                }
            }
            Thread.sleep(100);
        }
    }

    private static void signFans(Path dir, String name, String performanceId, int count, RsaJsonWebKey auth,
                                 RsaJsonWebKey queue, String issuer, String audience) throws Exception {
        long t0 = System.nanoTime();
        List<String[]> fans = IntStream.range(0, count).parallel().mapToObj(i -> {
            String user = UUID.randomUUID().toString();
            String sid = UUID.randomUUID().toString();
            return new String[]{user, sid, BenchTokens.access(auth, issuer, audience, user, List.of("user"), 7200),
                    BenchTokens.admission(queue, user, performanceId, sid, 7200)};
        }).toList();
        try (BufferedWriter f = Files.newBufferedWriter(dir.resolve(name + ".fans"));
             BufferedWriter s = Files.newBufferedWriter(dir.resolve(name + ".sessions.redis"))) {
            for (String[] fan : fans) {
                f.write(fan[0] + " " + fan[2] + " " + fan[3] + "\n");
                s.write("HSET room:{" + performanceId + "}:sessions " + fan[0] + " " + fan[1] + "\n");
            }
        }
        BenchTokens.write(dir.resolve(name + ".done"), String.format("signed %d access + %d admission tokens in %.1f s",
                count, count, (System.nanoTime() - t0) / 1e9));
    }

    // ---- the HTTP side -------------------------------------------------------------------------------------------

    private record Fan(String user, String access, String admission) {
    }

    private static List<Fan> fans(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> l.split(" "))
                .map(a -> new Fan(a[0], a[1], a[2])).toList();
    }

    private static HttpClient client(int threads) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(threads)).build();
    }

    private static HttpRequest post(String url, Fan fan, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + fan.access()).header("X-Admission-Token", fan.admission())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private record Answer(int status, String body, long micros) {
    }

    private static CompletableFuture<Answer> send(HttpClient http, HttpRequest request) {
        long t0 = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body(), (System.nanoTime() - t0) / 1000))
                .exceptionally(e -> new Answer(-1, String.valueOf(e), (System.nanoTime() - t0) / 1000));
    }

    /** P4b: fans race for seats; each tries a random seat, on 409 another, up to {@code attempts}. */
    static void race(String base, String showtime, Path fansFile, Path seatsFile, int concurrency, int attempts)
            throws Exception {
        List<Fan> fans = fans(fansFile);
        List<String> seats = Files.readAllLines(seatsFile).stream().filter(l -> !l.isBlank()).toList();
        HttpClient http = client(4);
        String url = base + "/api/showtimes/" + showtime + "/holds";
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> wonSeats = new ConcurrentHashMap<>();
        AtomicInteger winners = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < concurrency; lane++) {
            lanes.add(raceLane(http, url, fans, seats, next, attempts, latencies, statuses, wonSeats, winners));
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long twice = wonSeats.values().stream().filter(c -> c.get() > 1).count();
        System.out.printf("BENCH P4b race: %d fans for %d seats, c=%d, up to %d attempts each: %d attempts in %.1f s ="
                        + " %.0f attempts/s; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                fans.size(), seats.size(), concurrency, attempts, l.length, seconds, l.length / seconds,
                pct(l, 50) / 1000.0, pct(l, 95) / 1000.0, pct(l, 99) / 1000.0, l.length == 0 ? 0 : l[l.length - 1] / 1000.0);
        System.out.printf("BENCH P4b statuses: %s; holds won %d, seats won %d, seats won twice (client side) %d%n",
                new java.util.TreeMap<>(statuses), winners.get(), wonSeats.size(), twice);
    }

    private static CompletableFuture<Void> raceLane(HttpClient http, String url, List<Fan> fans, List<String> seats,
                                                    AtomicInteger next, int attempts, ConcurrentLinkedQueue<Long> latencies,
                                                    Map<Integer, AtomicInteger> statuses,
                                                    Map<String, AtomicInteger> wonSeats, AtomicInteger winners) {
        int i = next.getAndIncrement();
        if (i >= fans.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return attempt(http, url, fans.get(i), seats, attempts, latencies, statuses, wonSeats, winners)
                .thenCompose(v -> raceLane(http, url, fans, seats, next, attempts, latencies, statuses, wonSeats, winners));
    }

    private static CompletableFuture<Void> attempt(HttpClient http, String url, Fan fan, List<String> seats, int left,
                                                   ConcurrentLinkedQueue<Long> latencies,
                                                   Map<Integer, AtomicInteger> statuses,
                                                   Map<String, AtomicInteger> wonSeats, AtomicInteger winners) {
        String seat = seats.get(ThreadLocalRandom.current().nextInt(seats.size()));
        return send(http, post(url, fan, "{\"seatIds\":[\"" + seat + "\"]}")).thenCompose(a -> {
            latencies.add(a.micros());
            statuses.computeIfAbsent(a.status(), s -> new AtomicInteger()).incrementAndGet();
            if (a.status() == 201) {
                winners.incrementAndGet();
                wonSeats.computeIfAbsent(seat, s -> new AtomicInteger()).incrementAndGet();
                return CompletableFuture.completedFuture(null);
            }
            return left > 1 ? attempt(http, url, fan, seats, left - 1, latencies, statuses, wonSeats, winners)
                    : CompletableFuture.completedFuture(null);
        });
    }

    /** P5: an open model — fan i starts at i/rate s: hold seat i, then order it with tok_approve. */
    static void orders(String base, String showtime, Path fansFile, Path seatsFile, int rate, int seconds,
                       int maxInFlight, Path out) throws Exception {
        List<Fan> fans = fans(fansFile);
        List<String> seats = Files.readAllLines(seatsFile).stream().filter(l -> !l.isBlank()).toList();
        int n = Math.min(rate * seconds, Math.min(fans.size(), seats.size()));
        HttpClient http = client(4);
        String holdUrl = base + "/api/showtimes/" + showtime + "/holds";
        String orderUrl = base + "/api/orders";
        ConcurrentLinkedQueue<Long> holdLat = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> orderLat = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> orderIds = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicLong lateMicros = new AtomicLong();
        AtomicInteger late = new AtomicInteger();
        List<CompletableFuture<Void>> journeys = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            inFlight.acquire();
            long lateness = (System.nanoTime() - due) / 1000;
            if (lateness > 10_000) {
                late.incrementAndGet();
                lateMicros.accumulateAndGet(lateness, Math::max);
            }
            Fan fan = fans.get(i);
            String seat = seats.get(i);
            journeys.add(send(http, post(holdUrl, fan, "{\"seatIds\":[\"" + seat + "\"]}")).thenCompose(h -> {
                holdLat.add(h.micros());
                statuses.computeIfAbsent("hold " + h.status(), s -> new AtomicInteger()).incrementAndGet();
                if (h.status() != 201) {
                    return CompletableFuture.completedFuture(null);
                }
                String holdId = field(h.body(), "holdId");
                return send(http, post(orderUrl, fan, "{\"holdId\":\"" + holdId + "\",\"paymentToken\":\"tok_approve\"}"))
                        .thenAccept(o -> {
                            orderLat.add(o.micros());
                            statuses.computeIfAbsent("order " + o.status(), s -> new AtomicInteger()).incrementAndGet();
                            if (o.status() == 202) {
                                orderIds.add(field(o.body(), "orderId"));
                            }
                        });
            }).whenComplete((v, e) -> inFlight.release()));
        }
        double offered = (System.nanoTime() - t0) / 1e9;
        CompletableFuture.allOf(journeys.toArray(CompletableFuture[]::new)).join();
        double all = (System.nanoTime() - t0) / 1e9;
        Files.write(out, orderIds);
        long[] h = holdLat.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] o = orderLat.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("BENCH P5 offered: %d journeys (hold → order, tok_approve) at %d/s over %.1f s; orders accepted"
                        + " %d = %.0f orders/s (last answer after %.1f s); started > 10 ms late: %d (max %.0f ms)%n",
                n, rate, offered, orderIds.size(), orderIds.size() / all, all, late.get(), lateMicros.get() / 1000.0);
        System.out.printf("BENCH P5 client latency: hold p50 %.1f ms p99 %.1f ms · order p50 %.1f ms p99 %.1f ms; %s%n",
                pct(h, 50) / 1000.0, pct(h, 99) / 1000.0, pct(o, 50) / 1000.0, pct(o, 99) / 1000.0,
                new java.util.TreeMap<>(statuses));
    }

    private static String field(String body, String name) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.path(name).asText();
        } catch (Exception e) {
            return "";
        }
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
