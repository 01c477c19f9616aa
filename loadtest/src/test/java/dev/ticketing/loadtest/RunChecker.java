package dev.ticketing.loadtest;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * After a run: reads the system's own state (booking-svc's PostgreSQL database, queue-svc's fairness audit) and the
 * run's samples (Gatling: {@code run-samples.csv}; JMeter: the JTL CSV given as {@code -DjtlFile}), prints a report
 * and exits 1 if an invariant broke: a seat in two confirmed orders, a SOLD seat without its confirmed order (or the
 * other way round), an order left non-final, an admission-order inversion, any 5xx or unanswered request. Then it
 * draws the run's pictures next to the report ({@link RunCharts}) and lists them with the tools' own HTML reports; a
 * picture that cannot be drawn is reported, never a reason to fail the run.
 */
public final class RunChecker {

    /**
     * One measurement: {@code ms} the latency (or wait), {@code status} the HTTP status (0: no response),
     * {@code startedAt} when the request (or wait) started, epoch ms (-1: not recorded, e.g. an older samples file).
     */
    record Sample(long ms, long status, long startedAt) {
    }

    private final List<String> broken = new ArrayList<>();
    private final List<RunCharts.Sale> sales = new ArrayList<>();
    private long opensAt;
    private final StringBuilder out = new StringBuilder();

    public static void main(String[] args) throws Exception {
        int code = new RunChecker().run();
        System.exit(code);
    }

    int run() throws Exception {
        Params p = Params.fromSystem();
        Path runFile = Path.of(p.runFile());
        JsonNode run;
        if (Files.exists(runFile)) {
            run = Api.JSON.readTree(Files.readString(runFile));
        } else { // e.g. after a k6 run: ids from -DperformanceId / -DshowtimeId, no samples
            run = Api.JSON.createObjectNode().put("tool", "ids given").put("baseUrl", p.baseUrl())
                    .put("performanceId", Params.str("performanceId", "")).put("showtimeId", Params.str("showtimeId", ""));
        }
        String performanceId = run.path("performanceId").asText();
        String showtimeId = run.path("showtimeId").asText();
        line("On-sale load test report (%s) — performance %s, showtime %s", run.path("tool").asText("?"),
                performanceId, showtimeId);
        line("fans %d (ready %d), arrival window %d s, room capacity %d, base URL %s",
                run.path("users").asInt(), run.path("fansReady").asInt(), run.path("windowSeconds").asInt(),
                run.path("capacity").asInt(), run.path("baseUrl").asText());
        if (run.has("outcomes")) {
            line("fan outcomes: %s", run.path("outcomes"));
        }

        // --- the booking database: the authority on seats and orders
        String url = "jdbc:postgresql://" + Params.env("TICKETING_PG_HOST", "127.0.0.1") + ":"
                + Params.env("TICKETING_PG_PORT", "5432") + "/" + Params.str("bookingDb", "booking");
        try (Connection db = DriverManager.getConnection(url, Params.env("TICKETING_PG_USER", "postgres"),
                Params.env("TICKETING_PG_PASSWORD", ""))) {
            UUID st = UUID.fromString(showtimeId);
            long pending = 0;
            long deadline = System.currentTimeMillis() + Long.parseLong(Params.str("settleSeconds", "60")) * 1000;
            do {
                pending = count(db, "select count(*) from booking_order where showtime_id = ? and status = 'PENDING'", st);
                if (pending > 0) {
                    Thread.sleep(1000);
                }
            } while (pending > 0 && System.currentTimeMillis() < deadline);

            long onSale = count(db, "select count(*) from seat where showtime_id = ?", st);
            long sold = count(db, "select count(*) from seat where showtime_id = ? and status = 'SOLD'", st);
            long held = count(db, "select count(*) from seat where showtime_id = ? and status = 'HELD'", st);
            long doubleSold = count(db, """
                    select count(*) from (select os.seat_id from order_seat os join booking_order o on o.id = os.order_id
                     where o.showtime_id = ? and o.status = 'CONFIRMED' group by os.seat_id having count(*) > 1) x""", st);
            long soldWithoutOrder = count(db, """
                    select count(*) from seat s left join booking_order o on o.id = s.order_id
                     where s.showtime_id = ? and s.status = 'SOLD' and (o.id is null or o.status <> 'CONFIRMED')""", st);
            long confirmedNotSold = count(db, """
                    select count(*) from order_seat os join booking_order o on o.id = os.order_id
                      join seat s on s.id = os.seat_id
                     where o.showtime_id = ? and o.status = 'CONFIRMED' and (s.status <> 'SOLD' or s.order_id <> o.id)""", st);
            Map<String, Long> byStatus = new LinkedHashMap<>();
            try (PreparedStatement ps = db.prepareStatement(
                    "select status, count(*) from booking_order where showtime_id = ? group by status order by status")) {
                ps.setObject(1, st);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byStatus.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            line("seats: %d on sale, %d sold (%.1f%%), %d still held", onSale, sold, onSale == 0 ? 0.0 : 100.0 * sold / onSale, held);
            // The sale's one showtime: sold out exactly when every seat is SOLD, and booking-svc says so (the waiting
            // room learns it from PerformanceSoldOut). Read from a database that has the column (V7) only.
            try (PreparedStatement ps = db.prepareStatement("""
                    select p.sold_out from performance p join showtime t on t.performance_id = p.id where t.id = ?""")) {
                ps.setObject(1, st);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        boolean flagged = rs.getBoolean(1);
                        line("sold out: %s (booking-svc's flag %s)", sold == onSale ? "yes" : "no", flagged);
                        invariant("sold-out flag disagreeing with the seats", flagged == (onSale > 0 && sold == onSale) ? 0 : 1);
                    }
                }
            } catch (java.sql.SQLException e) {
                line("sold-out flag not read: %s", e.getMessage());
            }
            line("orders by status: %s", byStatus);
            invariant("seats in two confirmed orders", doubleSold);
            invariant("SOLD seats without their CONFIRMED order", soldWithoutOrder);
            invariant("CONFIRMED order seats not SOLD to that order", confirmedNotSold);
            invariant("orders not in a final state (PENDING after settling)", pending);
            try {
                sales.addAll(confirmedOrders(db, st));
            } catch (Exception e) {
                line("confirmation times not read (timeline without sales): %s", e);
            }
        }

        // --- queue-svc's fairness audit: admission order vs arrival order
        Api api = new Api(Params.str("baseUrl", run.path("baseUrl").asText()));
        String admin = api.login(p.adminEmail(), p.adminPassword());
        HttpResponse<String> a = api.send("GET", "/api/queues/" + performanceId + "/audit", admin, null);
        if (a.statusCode() == 200) {
            JsonNode audit = Api.JSON.readTree(a.body());
            line("waiting room audit: %d admitted, %d re-entered, %d inversions, %d out-of-order admissions",
                    audit.path("admitted").asLong(), audit.path("reentered").asLong(), audit.path("inversions").asLong(),
                    audit.path("outOfOrderAdmissions").asLong());
            invariant("admission-order inversions (non re-entered fans)", audit.path("inversions").asLong());
            JsonNode draw = audit.path("draw");
            if (draw.isObject()) {
                JsonNode phases = audit.path("phases");
                line("scheduled opening %s: %d drawn (seed %s, drawn %s → %s); draw phase %d admitted, %d inversions; "
                                + "arrival phase %d admitted, %d inversions",
                        draw.path("opensAt").asText(), draw.path("entrants").asLong(), draw.path("seed").asText(),
                        draw.path("startedAt").asText(), draw.path("doneAt").asText(),
                        phases.path("draw").path("admitted").asLong(), phases.path("draw").path("inversions").asLong(),
                        phases.path("arrival").path("admitted").asLong(), phases.path("arrival").path("inversions").asLong());
                invariant("admissions out of draw order (drawn fans)", phases.path("draw").path("inversions").asLong());
                try {
                    opensAt = Instant.parse(draw.path("opensAt").asText()).toEpochMilli();
                } catch (RuntimeException e) {
                    opensAt = 0; // drawn without a readable opening time: no marker on the timeline
                }
                invariant("admissions out of arrival order (after the opening)",
                        phases.path("arrival").path("inversions").asLong());
                long preQueued = run.path("outcomes").path("preQueued").asLong();
                if (preQueued > 0) {
                    invariant("pre-queued fans missing from the draw",
                            Math.max(0, preQueued - draw.path("entrants").asLong()));
                }
            }
        } else {
            line("waiting room audit: HTTP %d %s", a.statusCode(), a.body());
            invariant("audit endpoint unreachable", 1);
        }

        // --- the run's own measurements
        Map<String, List<Sample>> samples = loadSamples(runFile);
        long fiveXx = 0;
        long noResponse = 0;
        long requests = 0;
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            for (Sample s : e.getValue()) {
                if (e.getKey().equals("queueWait") || e.getKey().equals("soldOutNotice") || e.getKey().startsWith("orderTo")) {
                    continue;
                }
                requests++;
                if (s.status() >= 500) {
                    fiveXx++;
                } else if (s.status() == 0) {
                    noResponse++;
                }
            }
        }
        line("requests %d, 5xx %d, no response %d", requests, fiveXx, noResponse);
        line("%-18s %7s %8s %8s %8s %8s", "latency (ms)", "count", "p50", "p95", "p99", "max");
        for (String metric : RunCharts.STEPS) {
            long[] v = RunCharts.latencies(samples, metric).stream().mapToLong(Long::longValue).toArray();
            if (v.length > 0) {
                line("%-18s %7d %8d %8d %8d %8d", metric, v.length, pct(v, 50), pct(v, 95), pct(v, 99), v[v.length - 1]);
            }
        }
        invariant("HTTP 5xx responses", fiveXx);
        invariant("requests without a response", noResponse);

        // --- pictures and the tools' own reports (never a reason to fail the run)
        Path dir = runFile.toAbsolutePath().getParent();
        try {
            List<Path> pictures = RunCharts.write(dir, new RunCharts.Input(
                    String.format("On-sale (%s): %d fans, %d seats, capacity %d", run.path("tool").asText("?"),
                            run.path("users").asInt(), run.path("seatsOnSale").asInt(), run.path("capacity").asInt()),
                    run.path("startedAt").asLong(0),
                    run.path("windowSeconds").asInt(), opensAt, samples, sales));
            line("pictures: %s", pictures.isEmpty() ? "none (no timed samples, no sales)"
                    : String.join(", ", pictures.stream().map(Path::toString).toList()));
        } catch (Exception e) {
            line("pictures: not drawn: %s", e);
        }
        try {
            Path buildDir = Path.of(Params.str("buildDir", dir.getParent().toString()));
            RunCharts.toolReports(buildDir, run.path("startedAt").asLong(0))
                    .forEach((name, path) -> line("%s: %s", name, path.toAbsolutePath().normalize()));
        } catch (Exception e) {
            line("tool reports not found: %s", e);
        }

        line(broken.isEmpty() ? "RESULT: PASS — every invariant holds" : "RESULT: FAIL — " + String.join("; ", broken));
        System.out.print(out);
        Path report = runFile.resolveSibling("report.txt");
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, out.toString());
        return broken.isEmpty() ? 0 : 1;
    }

    /** metric -> samples; from the Gatling samples file or a JMeter JTL (CSV with a header line). */
    private Map<String, List<Sample>> loadSamples(Path runFile) throws Exception {
        String jtl = Params.str("jtlFile", "");
        if (!jtl.isBlank()) {
            return readJtl(Path.of(jtl));
        }
        Path csv = Path.of(runFile.toString().replaceAll("\\.json$", "") + "-samples.csv");
        return Files.exists(csv) ? readSamplesCsv(csv) : new LinkedHashMap<>();
    }

    /** A JMeter JTL (CSV with a header line; timeStamp is the start: JMeter's sampleresult.timestamp.start=true). */
    static Map<String, List<Sample>> readJtl(Path jtl) throws Exception {
        Map<String, List<Sample>> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(jtl);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int iElapsed = header.indexOf("elapsed");
        int iLabel = header.indexOf("label");
        int iCode = header.indexOf("responseCode");
        int iStart = header.indexOf("timeStamp");
        for (String l : lines.subList(1, lines.size())) {
            String[] f = splitCsv(l);
            if (f.length <= Math.max(iElapsed, Math.max(iLabel, iCode))) {
                continue;
            }
            String label = f[iLabel];
            long code = f[iCode].matches("\\d+") ? Long.parseLong(f[iCode]) : 0;
            if (label.startsWith("setup") || label.startsWith("think")) {
                continue;
            }
            if (label.equals("queueWait") || label.startsWith("orderTo")) {
                code = 200;
            }
            long start = iStart >= 0 && f[iStart].matches("\\d+") ? Long.parseLong(f[iStart]) : -1;
            m.computeIfAbsent(label, k -> new ArrayList<>()).add(new Sample(Long.parseLong(f[iElapsed]), code, start));
        }
        return m;
    }

    /** The simulation's run-samples.csv: lines {@code metric,ms,status[,startedAt]} (older files: no start time). */
    static Map<String, List<Sample>> readSamplesCsv(Path csv) throws Exception {
        Map<String, List<Sample>> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(csv)) {
            String[] f = l.split(",");
            m.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Sample(Long.parseLong(f[1]), Long.parseLong(f[2]),
                    f.length > 3 ? Long.parseLong(f[3]) : -1));
        }
        return m;
    }

    private static String[] splitCsv(String line) {
        List<String> f = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean q = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                q = !q;
            } else if (c == ',' && !q) {
                f.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        f.add(cur.toString());
        return f.toArray(String[]::new);
    }

    /** booking-svc's CONFIRMED orders of the showtime: when they were confirmed (their last update) and their seats. */
    private static List<RunCharts.Sale> confirmedOrders(Connection db, UUID showtime) throws Exception {
        List<RunCharts.Sale> confirmed = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("""
                select (extract(epoch from o.updated_at) * 1000)::bigint, count(os.seat_id)
                  from booking_order o join order_seat os on os.order_id = o.id
                 where o.showtime_id = ? and o.status = 'CONFIRMED' group by o.id, o.updated_at""")) {
            ps.setObject(1, showtime);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    confirmed.add(new RunCharts.Sale(rs.getLong(1), rs.getInt(2)));
                }
            }
        }
        return confirmed;
    }

    static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long count(Connection db, String sql, UUID showtime) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setObject(1, showtime);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void invariant(String name, long value) {
        line("  %-55s %6d  %s", name, value, value == 0 ? "ok" : "BROKEN");
        if (value != 0) {
            broken.add(name + " = " + value);
        }
    }

    private void line(String fmt, Object... args) {
        out.append(String.format(fmt, args)).append('\n');
    }
}
