package dev.ticketing.booking.order;

import dev.ticketing.booking.AdmissionTestResource;
import dev.ticketing.booking.BookingTestBase;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A performance whose last seat is sold is announced once (PerformanceSoldOut on performance-events, through the
 * outbox) — also when the last seats are sold by transactions committing at the same moment — and one that gets seats
 * again is announced on sale.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class SoldOutTest extends BookingTestBase {

    @Inject
    OrderService orders;

    @Inject
    AgroalDataSource db;

    /** Each seat of the show held and ordered by its own fan; the orders' ids, PENDING. */
    private static List<UUID> orderEverySeat(Show show) {
        List<UUID> ids = new ArrayList<>();
        for (String seat : show.seatIds()) {
            String fan = fan();
            String holdId = hold(fan, show, List.of(seat)).then().statusCode(201).extract().path("holdId");
            ids.add(UUID.fromString(order(fan, show, holdId, "tok_approve").then().statusCode(202)
                    .extract().path("orderId")));
        }
        return ids;
    }

    private void approve(UUID orderId) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = db.getConnection()) {
                orders.approved(c, orderId, "pay-" + orderId, "ref-" + orderId);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private List<String> announcements(String performanceId) throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select event_type from outbox_event where topic = 'performance-events' and event_key = ?
                       and event_type in ('PerformanceSoldOut', 'PerformanceOnSale') order by occurred_at, id""")) {
            ps.setString(1, performanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
        }
        return types;
    }

    private boolean flagged(String performanceId) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select sold_out from performance where id = ?::uuid")) {
            ps.setString(1, performanceId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getBoolean(1);
            }
        }
    }

    @Test
    void theLastSeatSoldAnnouncesTheSellOutOnceAndANewShowtimePutsItOnSaleAgain() throws Exception {
        Show show = newShow(1, 3);
        List<UUID> ids = orderEverySeat(show);
        approve(ids.get(0));
        approve(ids.get(1));
        assertEquals(List.of(), announcements(show.performanceId()), "a seat is still unsold");
        approve(ids.get(2));
        assertEquals(List.of("PerformanceSoldOut"), announcements(show.performanceId()));
        assertTrue(flagged(show.performanceId()));
        approve(ids.get(2)); // a redelivered approval changes nothing
        assertEquals(List.of("PerformanceSoldOut"), announcements(show.performanceId()));

        as(ADMIN).body(Map.of("title", "Again", "venue", "Seoul Arts Center", "category", "musical",
                        "addShowtimes", List.of(Map.of("startsAt", OffsetDateTime.now(ZoneOffset.UTC).plusDays(60).toString(),
                                "sections", List.of(Map.of("name", "R", "rows", 1, "seatsPerRow", 2, "price", 50000))))))
                .put("/api/performances/" + show.performanceId()).then().statusCode(200);
        assertEquals(List.of("PerformanceSoldOut", "PerformanceOnSale"), announcements(show.performanceId()));
        assertFalse(flagged(show.performanceId()));
    }

    /**
     * The last eight seats confirmed by eight transactions at once: whichever commits last sees every seat sold, so
     * the sell-out is announced exactly once (each, alone, would see the others' seats unsold in its snapshot).
     */
    @Test
    void lastSeatsSoldByConcurrentTransactionsAnnounceTheSellOutExactlyOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            Show show = newShow(2, 4);
            List<UUID> ids = orderEverySeat(show);
            ExecutorService pool = Executors.newFixedThreadPool(ids.size());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (UUID id : ids) {
                done.add(pool.submit(() -> {
                    start.await();
                    approve(id);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(List.of("PerformanceSoldOut"), announcements(show.performanceId()), "round " + round);
            assertTrue(flagged(show.performanceId()));
        }
    }
}
