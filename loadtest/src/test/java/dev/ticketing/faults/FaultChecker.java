package dev.ticketing.faults;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Proves the promises after a fault run from the system's own records (booking and payment databases, the broker's
 * committed offsets, the provider's ledger, queue-svc's admission audit): every broken promise is a breach listing
 * the offending ids, and any breach fails the run.
 */
final class FaultChecker {

    private final FaultParams p;
    private final List<String> breaches = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();

    FaultChecker(FaultParams p) {
        this.p = p;
    }

    List<String> breaches() {
        return breaches;
    }

    String report() {
        return out.toString();
    }

    void check(String performanceId, String showtimeId, long recoveredAtMillis, String adminToken, Http http) throws Exception {
        UUID st = UUID.fromString(showtimeId);
        try (Connection booking = db("booking"); Connection payment = db("payment")) {
            // every order final within settleSeconds of the last recovery, every published event consumed
            long deadline = recoveredAtMillis + p.settleSeconds() * 1000L;
            List<String> pendingOrders;
            List<String> openPayments;
            Map<String, Long> lag;
            while (true) {
                pendingOrders = ids(booking, "select id from booking_order where showtime_id = ? and status = 'PENDING'", st);
                List<String> runOrders = ids(booking, "select id from booking_order where showtime_id = ?", st);
                openPayments = ids(payment, "select order_id from payment where status in ('PENDING','PROCESSING','REFUNDING')", null);
                openPayments.retainAll(runOrders); // this run's orders only
                lag = consumerLag();
                if ((pendingOrders.isEmpty() && openPayments.isEmpty() && lag.isEmpty()) || System.currentTimeMillis() > deadline) {
                    break;
                }
                Thread.sleep(1000);
            }
            line("settled %d s after the last recovery (limit %d s)", (System.currentTimeMillis() - recoveredAtMillis) / 1000,
                    p.settleSeconds());
            breach("orders not final " + p.settleSeconds() + " s after recovery", pendingOrders);
            breach("payments not final " + p.settleSeconds() + " s after recovery", openPayments);
            List<String> lagging = new ArrayList<>();
            lag.forEach((k, v) -> lagging.add(k + " lag " + v));
            breach("consumer lag not back to 0 (group topic-partition)", lagging);

            breach("seats in two CONFIRMED orders", ids(booking, """
                    select os.seat_id from order_seat os join booking_order o on o.id = os.order_id
                     where o.showtime_id = ? and o.status = 'CONFIRMED' group by os.seat_id having count(*) > 1""", st));
            breach("SOLD seats without their CONFIRMED order", ids(booking, """
                    select s.id from seat s left join booking_order o on o.id = s.order_id
                     where s.showtime_id = ? and s.status = 'SOLD' and (o.id is null or o.status <> 'CONFIRMED')""", st));
            breach("seats still HELD past their TTL + 30 s", ids(booking,
                    "select id from seat where showtime_id = ? and status = 'HELD' and held_until < now() - interval '30 seconds'", st));

            // the provider's ledger: at most one capture per order, and money only for confirmed tickets
            Http.Answer ledgerAnswer = new Http(p.sandboxUrl()).once("GET", "/sandbox/ledger", null, null, Map.of());
            if (ledgerAnswer.status() != 200) {
                breach("provider ledger unreadable", List.of("HTTP " + ledgerAnswer.status()));
            }
            JsonNode ledger = ledgerAnswer.json();
            Map<String, int[]> money = new HashMap<>();
            for (JsonNode e : ledger.path("entries")) {
                int[] cr = money.computeIfAbsent(e.path("orderId").asText(), k -> new int[2]);
                cr["CAPTURE".equals(e.path("kind").asText()) ? 0 : 1]++;
            }
            Map<String, String> orders = new HashMap<>();
            try (PreparedStatement ps = booking.prepareStatement("select id, status from booking_order where showtime_id = ?")) {
                ps.setObject(1, st);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        orders.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            List<String> twice = new ArrayList<>();
            List<String> chargedWithoutTicket = new ArrayList<>();
            List<String> ticketWithoutCharge = new ArrayList<>();
            long captures = 0;
            for (Map.Entry<String, String> o : orders.entrySet()) {
                int[] cr = money.getOrDefault(o.getKey(), new int[2]);
                captures += cr[0];
                if (cr[0] > 1) {
                    twice.add(o.getKey() + " (" + cr[0] + " captures)");
                }
                int net = cr[0] - cr[1];
                if ("CONFIRMED".equals(o.getValue()) && net != 1) {
                    ticketWithoutCharge.add(o.getKey() + " (captures " + cr[0] + ", refunds " + cr[1] + ")");
                } else if (!"CONFIRMED".equals(o.getValue()) && !"PENDING".equals(o.getValue()) && net != 0) {
                    chargedWithoutTicket.add(o.getKey() + " " + o.getValue() + " (captures " + cr[0] + ", refunds " + cr[1] + ")");
                }
            }
            Map<String, Integer> byStatus = new TreeMap<>();
            orders.values().forEach(s -> byStatus.merge(s, 1, Integer::sum));
            line("orders %s; provider captures %d", byStatus, captures);
            breach("orders captured more than once", twice);
            breach("CONFIRMED orders without exactly one net capture", ticketWithoutCharge);
            breach("orders not CONFIRMED but charged (capture not refunded)", chargedWithoutTicket);
        }

        // the waiting room's own admission log: arrival order kept for fans who did not re-enter
        Http.Answer a = http.once("GET", "/api/queues/" + performanceId + "/audit", adminToken, null, Map.of());
        if (a.status() != 200) {
            breach("waiting room audit unreadable", List.of("HTTP " + a.status()));
        } else {
            JsonNode audit = a.json();
            line("waiting room: %d admitted, %d re-entered, %d inversions", audit.path("admitted").asLong(),
                    audit.path("reentered").asLong(), audit.path("inversions").asLong());
            List<String> overtaken = new ArrayList<>();
            audit.path("overtaken").forEach(u -> overtaken.add("user " + u.asText()));
            if (audit.path("inversions").asLong() > 0 && overtaken.isEmpty()) {
                overtaken.add(audit.path("inversions").asLong() + " inversions");
            }
            breach("fans admitted after someone who arrived later (never re-entered)", overtaken);
        }
    }

    /** group topic-partition -> lag, for every consumer group with a committed offset behind the log end. */
    Map<String, Long> consumerLag() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, p.kafkaBootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        Map<String, Long> lag = new TreeMap<>();
        try (Admin admin = Admin.create(props)) {
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(15, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.groupId())
                        .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
                committed.forEach((tp, om) -> {
                    long behind = ends.get(tp).offset() - (om == null ? 0 : om.offset());
                    if (behind > 0) {
                        lag.put(g.groupId() + " " + tp, behind);
                    }
                });
            }
        } catch (Exception e) {
            lag.put("broker unreadable: " + e, 1L);
        }
        return lag;
    }

    private Connection db(String name) throws Exception {
        String url = "jdbc:postgresql://" + FaultParams.env("TICKETING_PG_HOST", "127.0.0.1") + ":"
                + FaultParams.env("TICKETING_PG_PORT", "5432") + "/" + name;
        return DriverManager.getConnection(url, FaultParams.env("TICKETING_PG_USER", "postgres"),
                FaultParams.env("TICKETING_PG_PASSWORD", ""));
    }

    private static List<String> ids(Connection db, String sql, UUID showtime) throws Exception {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            if (showtime != null) {
                ps.setObject(1, showtime);
            }
            List<String> r = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    r.add(rs.getString(1));
                }
            }
            return r;
        }
    }

    void breach(String promise, List<String> offending) {
        line("  %-62s %5d  %s", promise, offending.size(), offending.isEmpty() ? "ok" : "BREACH " + offending.subList(0, Math.min(20, offending.size())));
        if (!offending.isEmpty()) {
            breaches.add(promise + ": " + offending.subList(0, Math.min(20, offending.size())));
        }
    }

    void line(String fmt, Object... args) {
        String s = String.format(fmt, args);
        out.append(s).append('\n');
    }
}
