package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Benchmark, not a test: {@code ./mvnw -o -pl booking-svc verify -Pbenchmark}. 5,000 fans race for 1,000 seats
 * (each tries a random seat, and on 409 another, up to 3 attempts), then pgbench -N runs against the same
 * PostgreSQL with the same client concurrency for the baseline. Prints attempts/s, p50/p95/p99, the oversell count
 * (from the database) and the ratio; also writes them to target/benchmark-holds.txt.
 *
 * {@link #bestAvailableAgainstRandomPicks}: groups of fans who want seats together race for one hall twice in the
 * same run — picking adjacent seats at random by id, then asking for best available — and compares the 409 rates
 * (target/benchmark-best-available.txt).
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class HoldBenchmark extends BookingTestBase {
    static final int FANS = Integer.getInteger("bench.fans", 5000);
    static final int ROWS = 10;
    static final int SEATS_PER_ROW = Integer.getInteger("bench.seats", 1000) / ROWS;
    static final int CLIENTS = Integer.getInteger("bench.clients", 32);
    static final int ATTEMPTS_PER_FAN = 3;

    @TestHTTPResource("/")
    URI base;

    @Inject
    AgroalDataSource db;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    record Fan(String access, String admission) {
    }

    @Test
    void fiveThousandFansRaceForAThousandSeats() throws Exception {
        Show show = newShow(ROWS, SEATS_PER_ROW);
        int seats = show.seatIds().size();
        List<Fan> fans = new ArrayList<>();
        for (int i = 0; i < FANS; i++) {
            String user = "bench-" + i;
            fans.add(new Fan(tokenOf(user), AdmissionTestResource.token(user, show.performanceId())));
        }
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(CLIENTS)).build();
        URI url = base.resolve("/api/showtimes/" + show.showtimeId() + "/holds");
        long[] latencies = new long[FANS * ATTEMPTS_PER_FAN];
        AtomicInteger n = new AtomicInteger();
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < FANS; i++) {
            Fan fan = fans.get(i);
            Random rnd = new Random(i);
            done.add(pool.submit(() -> {
                for (int a = 0; a < ATTEMPTS_PER_FAN; a++) {
                    String seat = show.seatIds().get(rnd.nextInt(seats));
                    HttpRequest req = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + fan.access())
                            .header("X-Admission-Token", fan.admission())
                            .POST(HttpRequest.BodyPublishers.ofString("{\"seatIds\":[\"" + seat + "\"]}")).build();
                    long s = System.nanoTime();
                    int code;
                    try {
                        code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        code = -1;
                    }
                    latencies[n.getAndIncrement()] = System.nanoTime() - s;
                    if (code == 201) {
                        wins.incrementAndGet();
                        return;
                    }
                    if (code != 409) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        int attempts = n.get();
        long[] lat = Arrays.copyOf(latencies, attempts);
        Arrays.sort(lat);
        double rate = attempts / seconds;

        int held;
        int doubleBooked;
        try (Connection c = db.getConnection();
             ResultSet rs = c.createStatement().executeQuery("select "
                     + "(select count(*) from seat where showtime_id = '" + show.showtimeId() + "' and status = 'HELD'), "
                     + "(select count(*) - count(distinct s.id) from seat s join seat_hold h on h.id = s.hold_id "
                     + " where s.showtime_id = '" + show.showtimeId() + "' and h.status = 'ACTIVE')")) {
            rs.next();
            held = rs.getInt(1);
            doubleBooked = rs.getInt(2);
        }
        int oversold = Math.max(0, wins.get() - held) + doubleBooked;

        // Every seat is taken now: what a refusal costs when fans keep pressing "hold" on sold-out seats, driven by an
        // external load generator (hey) so the client does not share this JVM.
        String heyRate = "n/a (hey not installed)";
        double refusalsPerSecond = 0;
        if (new java.io.File("/usr/bin/hey").canExecute()) {
            Fan late = new Fan(tokenOf("bench-late"), AdmissionTestResource.token("bench-late", show.performanceId()));
            String out = run(List.of("hey", "-z", "15s", "-c", Integer.toString(CLIENTS), "-m", "POST",
                    "-T", "application/json", "-H", "Authorization: Bearer " + late.access(),
                    "-H", "X-Admission-Token: " + late.admission(),
                    "-d", "{\"seatIds\":[\"" + show.seatIds().get(0) + "\"]}", url.toString()));
            for (String line : out.split("\n")) {
                if (line.trim().startsWith("Requests/sec:")) {
                    refusalsPerSecond = Double.parseDouble(line.trim().substring("Requests/sec:".length()).trim());
                }
            }
            String codes = out.substring(Math.max(0, out.indexOf("Status code distribution:"))).trim();
            heyRate = String.format("%.0f req/s (%s)", refusalsPerSecond, codes.replace("\n", " ").replaceAll("\\s+", " "));
        }

        // The floor of this JVM's HTTP stack on this box: an answer that touches neither Redis nor PostgreSQL.
        double floorPerSecond = 0;
        if (new java.io.File("/usr/bin/hey").canExecute()) {
            String out = run(List.of("hey", "-z", "15s", "-c", Integer.toString(CLIENTS),
                    base.resolve("/api/showtimes/not-a-showtime/seats").toString()));
            for (String line : out.split("\n")) {
                if (line.trim().startsWith("Requests/sec:")) {
                    floorPerSecond = Double.parseDouble(line.trim().substring("Requests/sec:".length()).trim());
                }
            }
        }

        double pgbenchTps = pgbench(CLIENTS, 15);
        String report = String.format("""
                hold benchmark: %d fans, %d seats, %d client threads, up to %d attempts per fan
                  attempts            %d in %.1f s = %.0f attempts/s
                  latency ms          p50 %.1f  p95 %.1f  p99 %.1f  max %.1f
                  holds won           %d (seats held in the database: %d)
                  oversold seats      %d
                  non-409 refusals    %d
                  sold-out refusals   %s, hey -c %d, 15 s
                  HTTP floor          %.0f req/s (404 without Redis or PostgreSQL, hey -c %d, 15 s)
                  gate refusals       %.0f, gate unavailable (fell back to PostgreSQL) %.0f
                  pgbench -N (same PostgreSQL, -c %d, 15 s)  %.0f tps
                  ratio, race         %.2f x pgbench -N (Java client in the service's JVM)
                  ratio, refusals     %.2f x pgbench -N (external client)
                """, FANS, seats, CLIENTS, ATTEMPTS_PER_FAN, attempts, seconds, rate,
                ms(lat, 0.50), ms(lat, 0.95), ms(lat, 0.99), lat[lat.length - 1] / 1e6,
                wins.get(), held, oversold, errors.get(), heyRate, CLIENTS, floorPerSecond, CLIENTS,
                metrics.counter("booking.seat_gate.refusals").count(), metrics.counter("booking.seat_gate.unavailable").count(),
                CLIENTS, pgbenchTps,
                pgbenchTps > 0 ? rate / pgbenchTps : 0, pgbenchTps > 0 ? refusalsPerSecond / pgbenchTps : 0);
        System.out.println(report);
        Files.writeString(Path.of("target/benchmark-holds.txt"), report);
        assertEquals(0, oversold, "oversold seats");
    }

    static final int GROUP = Integer.getInteger("bench.group", 2);

    record RaceResult(String mode, int fans, int attempts, int won, int refused, int errors, double seconds,
                      long[] sortedLatencies, int held, int doubleBooked, int splitGroups) {
        double refusalRate() {
            return attempts == 0 ? 0 : (double) refused / attempts;
        }
    }

    /**
     * The same crowd twice, same run: {@code bench.seats} seats (10 rows), as many fans as there are groups of
     * {@code bench.group} seats (demand = supply), 32 clients, up to 3 attempts per fan. "random": each attempt names
     * a random block of adjacent seats by id (a fan clicking seats on a map they read before the rush). "best": each
     * attempt sends {"count": group}. Both are checked in the database: no seat twice, every group in one row.
     */
    @Test
    void bestAvailableAgainstRandomPicks() throws Exception {
        int fans = Integer.getInteger("bench.togetherFans", ROWS * SEATS_PER_ROW / GROUP);
        RaceResult random = groupRace("random", fans);
        RaceResult best = groupRace("best", fans);
        StringBuilder report = new StringBuilder(String.format(
                "best available vs random picks: %d seats (%d rows of %d), %d fans wanting %d adjacent seats each,"
                        + " %d client threads, up to %d attempts per fan%n",
                ROWS * SEATS_PER_ROW, ROWS, SEATS_PER_ROW, fans, GROUP, CLIENTS, ATTEMPTS_PER_FAN));
        for (RaceResult r : List.of(random, best)) {
            report.append(String.format("""
                      %-6s attempts %d in %.1f s (%.0f/s), p50 %.1f ms p99 %.1f ms; 201 %d, 409 %d (409 rate %.1f %%),
                      %-6s other %d; fans seated %d of %d (%.1f %%); seats held %d; seats in two holds %d; groups split %d
                    """, r.mode(), r.attempts(), r.seconds(), r.attempts() / r.seconds(), ms(r.sortedLatencies(), 0.50),
                    ms(r.sortedLatencies(), 0.99), r.won(), r.refused(), 100 * r.refusalRate(), "", r.errors(), r.won(),
                    r.fans(), 100.0 * r.won() / r.fans(), r.held(), r.doubleBooked(), r.splitGroups()));
        }
        System.out.println(report);
        Files.writeString(Path.of("target/benchmark-best-available.txt"), report.toString());
        for (RaceResult r : List.of(random, best)) {
            assertEquals(0, r.doubleBooked(), r.mode() + ": seats in two live holds");
            assertEquals(0, r.splitGroups(), r.mode() + ": groups not together");
            assertEquals(r.won() * GROUP, r.held(), r.mode() + ": held seats = winners' seats");
        }
    }

    RaceResult groupRace(String mode, int fanCount) throws Exception {
        Show show = newShow(ROWS, SEATS_PER_ROW);
        List<Fan> fans = new ArrayList<>();
        for (int i = 0; i < fanCount; i++) {
            String user = "bench-" + mode + "-" + i + "-" + show.showtimeId();
            fans.add(new Fan(tokenOf(user), AdmissionTestResource.token(user, show.performanceId())));
        }
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(CLIENTS)).build();
        URI url = base.resolve("/api/showtimes/" + show.showtimeId() + "/holds");
        long[] latencies = new long[fanCount * ATTEMPTS_PER_FAN];
        AtomicInteger n = new AtomicInteger();
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < fanCount; i++) {
            Fan fan = fans.get(i);
            Random rnd = new Random(i);
            done.add(pool.submit(() -> {
                for (int a = 0; a < ATTEMPTS_PER_FAN; a++) {
                    String body;
                    if (mode.equals("best")) {
                        body = "{\"count\":" + GROUP + "}";
                    } else { // seat ids are in row order, SEATS_PER_ROW per row
                        int first = rnd.nextInt(ROWS) * SEATS_PER_ROW + rnd.nextInt(SEATS_PER_ROW - GROUP + 1);
                        StringBuilder ids = new StringBuilder();
                        for (int k = 0; k < GROUP; k++) {
                            ids.append(k == 0 ? "" : ",").append('"').append(show.seatIds().get(first + k)).append('"');
                        }
                        body = "{\"seatIds\":[" + ids + "]}";
                    }
                    HttpRequest req = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + fan.access())
                            .header("X-Admission-Token", fan.admission())
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long s = System.nanoTime();
                    int code;
                    try {
                        code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        code = -1;
                    }
                    latencies[n.getAndIncrement()] = System.nanoTime() - s;
                    if (code == 201) {
                        wins.incrementAndGet();
                        return;
                    }
                    if (code == 409) {
                        refusals.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        long[] lat = Arrays.copyOf(latencies, n.get());
        Arrays.sort(lat);
        try (Connection c = db.getConnection();
             ResultSet rs = c.createStatement().executeQuery("select "
                     + "(select count(*) from seat where showtime_id = '" + show.showtimeId() + "' and status = 'HELD'), "
                     + "(select count(*) - count(distinct s.id) from seat s join seat_hold h on h.id = s.hold_id "
                     + "  where s.showtime_id = '" + show.showtimeId() + "' and h.status = 'ACTIVE'), "
                     + "(select count(*) from (select h.id from seat_hold h join seat s on s.hold_id = h.id "
                     + "  where h.showtime_id = '" + show.showtimeId() + "' and h.status = 'ACTIVE' group by h.id "
                     + "  having count(distinct (s.section, s.row_index)) > 1 "
                     + "      or max(s.number) - min(s.number) <> count(*) - 1) x)")) {
            rs.next();
            return new RaceResult(mode, fanCount, lat.length, wins.get(), refusals.get(), errors.get(), seconds, lat,
                    rs.getInt(1), rs.getInt(2), rs.getInt(3));
        }
    }

    static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    /** pgbench -N (simple update, no branch contention) on a scratch database of the same server. */
    static double pgbench(int clients, int seconds) throws Exception {
        String host = PostgresTestResource.host();
        String port = PostgresTestResource.port();
        String user = PostgresTestResource.user();
        PostgresTestResource.ensureDatabase("pgbench_baseline");
        run(List.of("pgbench", "-i", "-q", "-s", "10", "-h", host, "-p", port, "-U", user, "pgbench_baseline"));
        String out = run(List.of("pgbench", "-N", "-c", Integer.toString(clients), "-j", "2", "-T",
                Integer.toString(seconds), "-h", host, "-p", port, "-U", user, "pgbench_baseline"));
        for (String line : out.split("\n")) {
            if (line.startsWith("tps = ")) {
                return Double.parseDouble(line.substring(6).split(" ")[0]);
            }
        }
        return 0;
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null) {
                sb.append(line).append('\n');
            }
        }
        p.waitFor();
        return sb.toString();
    }
}
