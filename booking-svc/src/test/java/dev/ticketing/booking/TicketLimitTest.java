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
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-fan ticket limit of a performance: live holds plus PENDING and CONFIRMED orders, across its showtimes,
 * enforced by the database however many holds one fan sends at once.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class TicketLimitTest extends BookingTestBase {

    @TestHTTPResource("/")
    URI base;

    @Inject
    AgroalDataSource db;

    static final Section HALL = new Section("R", 2, 10, 50_000);

    @Test
    void fourByDefaultCountedAcrossShowtimes() {
        List<Show> shows = newShows(2, null, HALL);
        given().get("/api/performances/" + shows.get(0).performanceId()).then().statusCode(200)
                .body("ticketLimitPerFan", equalTo(4));
        String fan = fan();
        hold(fan, shows.get(0), shows.get(0).seatIds().subList(0, 3)).then().statusCode(201);
        hold(fan, shows.get(1), shows.get(1).seatIds().subList(0, 2)).then().statusCode(409)
                .contentType("application/problem+json").body("title", equalTo("Ticket Limit Reached"))
                .body("detail", equalTo("at most 4 tickets per fan for this performance; you already have 3"))
                .body("limit", equalTo(4)).body("held", equalTo(3));
        holdBest(fan, shows.get(1), 2, null).then().statusCode(409).body("limit", equalTo(4)).body("held", equalTo(3));
        hold(fan, shows.get(1), shows.get(1).seatIds().subList(0, 1)).then().statusCode(201);
        // a new hold on a showtime replaces the fan's hold there: its seats do not count twice
        hold(fan, shows.get(0), shows.get(0).seatIds().subList(5, 8)).then().statusCode(201);
        holdBest(fan, shows.get(0), 3, null).then().statusCode(201);
        holdBest(fan, shows.get(0), 4, null).then().statusCode(409).body("held", equalTo(1));
        // another performance has a limit of its own
        Show other = newShows(1, null, HALL).get(0);
        holdBest(fan, other, 4, null).then().statusCode(201);
    }

    @Test
    void anAdminSetsTheLimitPerPerformance() throws Exception {
        List<Show> shows = newShows(2, 6, HALL);
        String perf = shows.get(0).performanceId();
        given().get("/api/performances/" + perf).then().body("ticketLimitPerFan", equalTo(6));
        String fan = fan();
        holdBest(fan, shows.get(0), 4, null).then().statusCode(201);
        holdBest(fan, shows.get(1), 2, null).then().statusCode(201);
        holdBest(fan, shows.get(1), 3, null).then().statusCode(409).body("limit", equalTo(6)).body("held", equalTo(4));

        as(ADMIN).body(Map.of("limit", 2)).put("/api/performances/" + perf + "/ticket-limit").then().statusCode(200)
                .body("id", equalTo(perf)).body("ticketLimitPerFan", equalTo(2))
                .body("showtimes.size()", equalTo(2));
        given().get("/api/performances/" + perf).then().body("ticketLimitPerFan", equalTo(2));
        // a lower limit takes nothing away; it refuses the next hold that would still be over it
        assertEquals(2, heldSeats(shows.get(1)));
        holdBest(fan, shows.get(1), 1, null).then().statusCode(409)
                .body("detail", equalTo("at most 2 tickets per fan for this performance; you already have 4"));
        String other = fan();
        holdBest(other, shows.get(0), 3, null).then().statusCode(409).body("limit", equalTo(2)).body("held", equalTo(0));
        holdBest(other, shows.get(0), 2, null).then().statusCode(201);

        as(tokenOf(fan())).body(Map.of("limit", 5)).put("/api/performances/" + perf + "/ticket-limit")
                .then().statusCode(403).contentType("application/problem+json");
        given().contentType("application/json").body(Map.of("limit", 5)).put("/api/performances/" + perf + "/ticket-limit")
                .then().statusCode(401);
        as(ADMIN).body(Map.of("limit", 0)).put("/api/performances/" + perf + "/ticket-limit").then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("limit"));
        as(ADMIN).body(Map.of()).put("/api/performances/" + perf + "/ticket-limit").then().statusCode(400)
                .body("violations[0].field", equalTo("limit"));
        as(ADMIN).body(Map.of("limit", "many")).put("/api/performances/" + perf + "/ticket-limit").then().statusCode(400);
        as(ADMIN).body(Map.of("limit", 3)).put("/api/performances/00000000-0000-0000-0000-000000000000/ticket-limit")
                .then().statusCode(404);
        as(ADMIN).body(Map.of("limit", 3)).put("/api/performances/nope/ticket-limit").then().statusCode(404);
        as(ADMIN).body(Map.of("title", "T", "venue", "V", "category", "c", "ticketLimitPerFan", 0,
                        "showtimes", List.of(Map.of("startsAt", "2030-01-01T19:00:00Z",
                                "sections", List.of(Map.of("name", "R", "rows", 1, "seatsPerRow", 1, "price", 1))))))
                .post("/api/performances").then().statusCode(400).body("violations[0].field", equalTo("ticketLimitPerFan"));
    }

    @Test
    void pendingAndConfirmedOrdersCountReleasedExpiredAndFailedDoNot() throws Exception {
        List<Show> shows = newShows(2, null, HALL);
        Show a = shows.get(0);
        Show b = shows.get(1);
        String fan = fan();
        String holdId = hold(fan, a, a.seatIds().subList(0, 2)).then().statusCode(201).extract().path("holdId");
        String orderId = order(fan, a, holdId, "tok_approve").then().statusCode(202).extract().path("orderId");
        // the order made from the hold counts once (2), not as the hold and the order (4)
        holdBest(fan, b, 3, null).then().statusCode(409).body("held", equalTo(2));
        // a new hold on the order's showtime replaces no order
        holdBest(fan, a, 3, null).then().statusCode(409).body("held", equalTo(2));
        setOrder(orderId, "CONFIRMED");
        holdBest(fan, b, 3, null).then().statusCode(409).body("held", equalTo(2));
        String second = holdBest(fan, b, 2, null).then().statusCode(201).extract().path("holdId");
        holdBest(fan, a, 1, null).then().statusCode(409).body("held", equalTo(4));

        for (String status : List.of("FAILED", "EXPIRED", "CANCELLED", "REFUNDED")) {
            setOrder(orderId, status);
            holdBest(fan, a, 3, null).then().statusCode(409).body("held", equalTo(2)); // only b's hold
        }
        setOrder(orderId, "FAILED");
        // a released hold does not count
        as(tokenOf(fan)).delete("/api/showtimes/" + b.showtimeId() + "/holds/" + second).then().statusCode(204);
        String third = holdBest(fan, a, 4, null).then().statusCode(201).extract().path("holdId");
        // a lapsed hold does not count, swept or not
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("update seat_hold set expires_at = now() - interval '1 second' where id = ?::uuid")) {
            ps.setString(1, third);
            ps.executeUpdate();
        }
        holdBest(fan, b, 4, null).then().statusCode(201);
    }

    /** One fan, 30 holds at once over three showtimes (and the same showtime twice): never over the limit. */
    @Test
    void parallelHoldsOfOneFanNeverExceedTheLimit() throws Exception {
        List<Show> shows = newShows(3, null, new Section("R", 3, 10, 50_000));
        String fan = fan();
        List<RacedHold> holds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Show show = shows.get(i % 3);
            int count = 1 + i % 3;
            String body = i % 2 == 0 ? "{\"count\":" + count + "}"
                    : "{\"seatIds\":[" + show.seatIds().subList(i * 3 % 27, i * 3 % 27 + count).stream().map(s -> "\"" + s + "\"")
                    .collect(Collectors.joining(",")) + "]}";
            holds.add(new RacedHold(fan, show, body));
        }
        List<Integer> codes = race(base, holds, 30);
        assertTrue(codes.contains(201), codes.toString());
        assertTrue(codes.stream().allMatch(c -> c == 201 || c == 409), codes.toString());
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select coalesce(sum(h.seat_count), 0),
                            (select count(*) from seat s join seat_hold x on x.id = s.hold_id
                              where x.user_id = ? and x.performance_id = ?::uuid and x.status = 'ACTIVE'),
                            count(*) filter (where h.status = 'ACTIVE')
                     from seat_hold h where h.user_id = ? and h.performance_id = ?::uuid and h.status = 'ACTIVE'""")) {
            ps.setString(1, fan);
            ps.setString(2, shows.get(0).performanceId());
            ps.setString(3, fan);
            ps.setString(4, shows.get(0).performanceId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int promised = rs.getInt(1);
                assertTrue(promised >= 1 && promised <= 4, "the fan's live holds promise " + promised + " seats");
                assertEquals(promised, rs.getInt(2), "held seats match the holds");
                assertTrue(rs.getInt(3) <= 3, "one live hold per showtime");
            }
        }
    }

    void setOrder(String orderId, String status) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("update booking_order set status = ? where id = ?::uuid")) {
            ps.setString(1, status);
            ps.setString(2, orderId);
            assertEquals(1, ps.executeUpdate());
        }
    }

    int heldSeats(Show show) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from seat where showtime_id = ?::uuid and status = 'HELD'")) {
            ps.setString(1, show.showtimeId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
