package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The on-sale minute in miniature: hundreds of fans, a handful of seats, one winner per seat. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class HoldContentionTest extends BookingTestBase {

    @TestHTTPResource("/")
    URI base;

    @Inject
    AgroalDataSource db;

    private final HttpClient http = HttpClient.newHttpClient();

    int holdRaw(Show show, String user, List<String> seatIds) throws Exception {
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("seatIds", seatIds));
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/showtimes/" + show.showtimeId() + "/holds"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + tokenOf(user))
                .header("X-Admission-Token", AdmissionTestResource.token(user, show.performanceId()))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    List<Integer> race(List<Callable<Integer>> attempts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(48);
        try {
            List<Future<Integer>> fs = pool.invokeAll(attempts);
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : fs) {
                codes.add(f.get());
            }
            return codes;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threeHundredFansRaceForFiveSeatsAndExactlyFiveWin() throws Exception {
        Show show = newShow(1, 5);
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String seat = show.seatIds().get(i % 5);
            String user = fan();
            attempts.add(() -> holdRaw(show, user, List.of(seat)));
        }
        List<Integer> codes = race(attempts);
        Map<Integer, Long> byCode = codes.stream().collect(Collectors.groupingBy(c -> c, Collectors.counting()));
        assertEquals(5L, byCode.getOrDefault(201, 0L), byCode.toString());
        assertEquals(295L, byCode.getOrDefault(409, 0L), "every loser is told the seat is taken: " + byCode);
        assertNoSeatTwice(show, 5);
    }

    @Test
    void overlappingMultiSeatHoldsNeverShareASeat() throws Exception {
        Show show = newShow(1, 12);
        List<Callable<Integer>> attempts = new ArrayList<>();
        List<List<String>> wanted = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 200; i++) {
            int a = rnd.nextInt(12);
            int b = (a + 1 + rnd.nextInt(3)) % 12;
            List<String> seats = List.of(show.seatIds().get(a), show.seatIds().get(b));
            wanted.add(seats);
            String user = fan();
            attempts.add(() -> holdRaw(show, user, seats));
        }
        List<Integer> codes = race(attempts);
        long won = codes.stream().filter(c -> c == 201).count();
        assertTrue(codes.stream().allMatch(c -> c == 201 || c == 409), codes.toString());
        assertTrue(won >= 1 && won <= 6, "2-seat holds over 12 seats: between 1 and 6 winners, got " + won);
        assertNoSeatTwice(show, (int) won * 2);
    }

    /** From the database itself: held seats = seats of active holds, and no seat belongs to two holds. */
    void assertNoSeatTwice(Show show, int expectedHeldSeats) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select (select count(*) from seat where showtime_id = ?::uuid and status = 'HELD'),
                            (select coalesce(sum(seat_count), 0) from seat_hold where showtime_id = ?::uuid and status = 'ACTIVE'),
                            (select count(*) from seat s join seat_hold h on h.id = s.hold_id
                              where s.showtime_id = ?::uuid and h.status = 'ACTIVE')""")) {
            ps.setString(1, show.showtimeId());
            ps.setString(2, show.showtimeId());
            ps.setString(3, show.showtimeId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(expectedHeldSeats, rs.getInt(1), "held seats");
                assertEquals(expectedHeldSeats, rs.getInt(2), "seats promised by active holds");
                assertEquals(expectedHeldSeats, rs.getInt(3), "each held seat points at exactly one active hold");
            }
        }
    }
}
