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
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Best available: {"count": N, "section"?} holds N adjacent seats in one row, picked by the database. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class BestAvailableTest extends BookingTestBase {

    @TestHTTPResource("/")
    URI base;

    @Inject
    AgroalDataSource db;

    /** The held seats as "section/row/number", in the answer's order (section, row, number). */
    static List<String> seats(Response r) {
        List<Map<String, Object>> seats = r.then().statusCode(201).extract().path("seats");
        return seats.stream().map(s -> s.get("section") + "/" + s.get("row") + "/" + s.get("number")).toList();
    }

    @Test
    void bestIsTheHighestPriceThenTheFrontRowThenTheMiddle() {
        // the cheap section comes first in the request: order of creation is not what "best" means
        Show show = newShows(1, null, new Section("S", 2, 7, 30_000), new Section("VIP", 2, 7, 90_000)).get(0);
        assertEquals(List.of("VIP/A/3", "VIP/A/4", "VIP/A/5"), seats(holdBest(fan(), show, 3, null)));
        // row A has 1-2 and 6-7 left, equally far from the middle: the lower numbers
        assertEquals(List.of("VIP/A/1", "VIP/A/2"), seats(holdBest(fan(), show, 2, null)));
        // three together no longer fit in row A: row B, middle
        assertEquals(List.of("VIP/B/3", "VIP/B/4", "VIP/B/5"), seats(holdBest(fan(), show, 3, null)));
        assertEquals(List.of("VIP/A/6"), seats(holdBest(fan(), show, 1, null)));
        // an even count in an odd row: the two middle blocks tie, the lower wins
        assertEquals(List.of("S/A/3", "S/A/4"), seats(holdBest(fan(), show, 2, "S")));
        Response r = holdBest(fan(), show, 4, null);
        // no 4 together in VIP any more (A: 7; B: 1-2, 6-7) nor in S's row A (1-2, 5-7): S's row B, middle
        assertEquals(List.of("S/B/2", "S/B/3", "S/B/4", "S/B/5"), seats(r));
        r.then().body("amount", equalTo(120_000)).body("holdId", org.hamcrest.Matchers.notNullValue())
                .body("expiresAt", org.hamcrest.Matchers.notNullValue()).body("showtimeId", equalTo(show.showtimeId()));
    }

    @Test
    void rowsAreOrderedFromTheStageBeyondTwentySix() {
        // rows A … Z, AA, AB: text order would put AA before B
        Show show = newShows(1, null, new Section("R", 28, 1, 50_000)).get(0);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            order.add(seats(holdBest(fan(), show, 1, null)).get(0));
        }
        assertEquals("R/A/1", order.get(0));
        assertEquals("R/B/1", order.get(1));
        assertEquals("R/Z/1", order.get(25));
        assertEquals("R/AA/1", order.get(26));
        assertEquals("R/AB/1", order.get(27));
    }

    @Test
    void theSectionIsRespectedAndAnUnknownSectionIs400() {
        Show show = newShows(1, null, new Section("R", 1, 5, 90_000), new Section("S", 1, 5, 50_000)).get(0);
        assertEquals(List.of("S/A/2", "S/A/3", "S/A/4"), seats(holdBest(fan(), show, 3, "S")));
        holdBest(fan(), show, 2, "Balcony").then().statusCode(400).contentType("application/problem+json")
                .body("violations[0].field", equalTo("section"))
                .body("violations[0].message", containsString("no section Balcony"));
        // S has 1 and 5 left, not together; R is untouched but was not asked for
        holdBest(fan(), show, 2, "S").then().statusCode(409).contentType("application/problem+json")
                .body("detail", equalTo("no 2 adjacent seats available in section S"));
        assertEquals(List.of("R/A/2", "R/A/3"), seats(holdBest(fan(), show, 2, null)));
    }

    @Test
    void whenNoSeatsSitTogetherItIs409AndNothingChanges() {
        Show show = newShows(1, null, new Section("R", 1, 5, 50_000)).get(0);
        hold(fan(), show, List.of(show.seatIds().get(1))).then().statusCode(201);
        hold(fan(), show, List.of(show.seatIds().get(3))).then().statusCode(201);
        String fan = fan();
        holdBest(fan, show, 2, null).then().statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("No Seats Together"))
                .body("detail", equalTo("no 2 adjacent seats available in this showtime"));
        assertEquals(2, heldSeats(show));
        assertEquals(0, activeHolds(fan));
        // one seat fits: the middle one
        assertEquals(List.of("R/A/3"), seats(holdBest(fan, show, 1, null)));
        holdBest(fan(), show, 3, "R").then().statusCode(409)
                .body("detail", equalTo("no 3 adjacent seats available in section R"));
    }

    @Test
    void aBestAvailableHoldReplacesTheFansPreviousHold() {
        Show show = newShows(1, null, new Section("R", 1, 7, 50_000)).get(0);
        String fan = fan();
        String first = holdBest(fan, show, 2, null).then().statusCode(201).extract().path("holdId");
        // the fan's own seats count as free: the best 3 include them
        assertEquals(List.of("R/A/3", "R/A/4", "R/A/5"), seats(holdBest(fan, show, 3, null)));
        assertEquals(List.of("R/A/3", "R/A/4"), seats(holdBest(fan, show, 2, null)));
        assertEquals(1, activeHolds(fan));
        assertEquals(2, heldSeats(show));
        assertEquals("RELEASED", holdStatus(first));
        // seat 5 went back on sale, in the gate too: another fan takes it by id
        hold(fan(), show, List.of(show.seatIds().get(4))).then().statusCode(201);
        // and a hold by seat ids replaces a best-available hold the same way
        hold(fan, show, List.of(show.seatIds().get(0))).then().statusCode(201);
        assertEquals(1, activeHolds(fan));
        assertEquals(2, heldSeats(show));
    }

    @Test
    void invalidRequestsAre400WithTheField() {
        Show show = newShows(1, null, new Section("R", 1, 7, 50_000)).get(0);
        String fan = fan();
        holdWith(fan, show, Map.of("count", 2, "seatIds", List.of(show.seatIds().get(0)))).then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("count"));
        holdWith(fan, show, Map.of()).then().statusCode(400).body("violations[0].field", equalTo("seatIds"));
        holdWith(fan, show, Map.of("count", 0)).then().statusCode(400).body("violations[0].field", equalTo("count"));
        holdWith(fan, show, Map.of("count", 5)).then().statusCode(400).body("violations[0].field", equalTo("count"))
                .body("violations[0].message", equalTo("at most 4 seats per hold"));
        holdWith(fan, show, Map.of("count", "two")).then().statusCode(400).contentType("application/problem+json");
        holdWith(fan, show, Map.of("count", 2, "section", " ")).then().statusCode(400)
                .body("violations[0].field", equalTo("section"));
        holdWith(fan, show, Map.of("count", 2, "section", "R\u0000")).then().statusCode(400)
                .body("violations[0].field", equalTo("section"));
        holdWith(fan, show, Map.of("count", 2, "section", "R".repeat(41))).then().statusCode(400)
                .body("violations[0].field", equalTo("section"));
        holdWith(fan, show, "{\"count\": 99999999999}").then().statusCode(400).contentType("application/problem+json");
        holdWith(fan, show, Map.of("seatIds", List.of(show.seatIds().get(0)), "section", "R")).then().statusCode(400)
                .body("violations[0].field", equalTo("section"));
        as(tokenOf(fan)).body(Map.of("count", 2)).post("/api/showtimes/" + show.showtimeId() + "/holds")
                .then().statusCode(403).contentType("application/problem+json");
        as(tokenOf(fan)).header("X-Admission-Token", AdmissionTestResource.token(fan, show.performanceId()))
                .body(Map.of("count", 2)).post("/api/showtimes/00000000-0000-0000-0000-000000000000/holds")
                .then().statusCode(404);
        assertEquals(0, heldSeats(show));
    }

    /**
     * 40 fans at once, each wanting 2 to 4 seats together, in a hall of 3 rows of 10: no seat in two holds, every hold
     * one adjacent block in one row, nobody deadlocked or answered anything but 201 or 409.
     */
    @Test
    void fortyFansRaceForSeatsTogetherAndEveryGroupSitsTogether() throws Exception {
        Show show = newShows(1, null, new Section("R", 2, 10, 90_000), new Section("S", 1, 10, 50_000)).get(0);
        List<RacedHold> racers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            racers.add(new RacedHold(fan(), show, "{\"count\":" + (2 + i % 3) + "}"));
        }
        List<Integer> codes = race(base, racers, 40);
        Map<Integer, Long> byCode = codes.stream().collect(Collectors.groupingBy(c -> c, Collectors.counting()));
        assertTrue(codes.stream().allMatch(c -> c == 201 || c == 409), byCode.toString());
        assertTrue(byCode.getOrDefault(201, 0L) >= 6, "30 seats, groups of 2-4: at least 6 fit, " + byCode);

        Map<String, List<int[]>> holds = new HashMap<>(); // hold -> (row key, number)
        Map<String, Integer> counts = new HashMap<>();
        Set<String> seen = new HashSet<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select h.id, h.seat_count, s.id, s.section || '/' || s.row_index, s.number
                     from seat_hold h join seat s on s.hold_id = h.id
                     where h.showtime_id = ?::uuid and h.status = 'ACTIVE' and s.status = 'HELD'""")) {
            ps.setString(1, show.showtimeId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertTrue(seen.add(rs.getString(3)), "a seat in two holds: " + rs.getString(3));
                    holds.computeIfAbsent(rs.getString(1) + "|" + rs.getString(4), k -> new ArrayList<>())
                            .add(new int[] {rs.getInt(5)});
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        assertEquals(byCode.getOrDefault(201, 0L).intValue(), counts.size(), "one live hold per winner");
        assertEquals(counts.size(), holds.size(), "every hold's seats are in one section and row");
        holds.forEach((key, numbers) -> {
            List<Integer> sorted = numbers.stream().map(n -> n[0]).sorted().toList();
            assertEquals(counts.get(key.substring(0, key.indexOf('|'))), sorted.size(), "the hold has all its seats");
            assertEquals(sorted.get(0) + sorted.size() - 1, sorted.get(sorted.size() - 1), "adjacent: " + sorted);
        });
        assertEquals(heldSeats(show), seen.size(), "no held seat outside a live hold");
    }

    int heldSeats(Show show) {
        return queryInt("select count(*) from seat where showtime_id = ?::uuid and status = 'HELD'", show.showtimeId());
    }

    int activeHolds(String user) {
        return queryInt("select count(*) from seat_hold where user_id = ? and status = 'ACTIVE'", user);
    }

    String holdStatus(String holdId) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select status from seat_hold where id = ?::uuid")) {
            ps.setString(1, holdId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    int queryInt(String sql, String arg) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
