package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An admission lasts only as long as the place (docs/architecture.md, "Admission sessions"): booking-svc honours an
 * admission token only while its {@code sid} is the fan's live session in the room. AdmissionTestResource does what
 * queue-svc does to the session (admit, end it on BookingCompleted/BookingAbandoned, leave or expiry); the whole chain
 * through the real queue-svc is exercised by the fuzz pass against the local stack.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class AdmissionSessionTest extends BookingTestBase {

    private static io.restassured.response.Response holdWith(String fan, Show show, String admission, String seat) {
        return as(tokenOf(fan)).header("X-Admission-Token", admission).body(Map.of("seatIds", List.of(seat)))
                .post("/api/showtimes/" + show.showtimeId() + "/holds");
    }

    private static io.restassured.response.Response orderWith(String fan, String admission, String holdId) {
        return as(tokenOf(fan)).header("X-Admission-Token", admission)
                .body(Map.of("holdId", holdId, "paymentToken", "tok_approve")).post("/api/orders");
    }

    @Test
    void aTokenStopsWorkingWhenItsAdmissionEndsAndANewAdmissionGetsAWorkingOne() {
        Show show = newShow(1, 6);
        String fan = fan();
        String admission = AdmissionTestResource.token(fan, show.performanceId());
        String holdId = holdWith(fan, show, admission, show.seatIds().get(0)).then().statusCode(201).extract().path("holdId");

        // The admission ends (booking completed or abandoned, the fan left, the session expired): queue-svc drops
        // the session. The same token no longer holds seats nor places orders, though its signature and exp are fine.
        AdmissionTestResource.endSession(fan, show.performanceId());
        holdWith(fan, show, admission, show.seatIds().get(1)).then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("admission has ended"));
        orderWith(fan, admission, holdId).then().statusCode(403).body("detail", containsString("admission has ended"));

        // Admitted again later: a new session, a new token that works; the old one stays dead.
        String again = AdmissionTestResource.token(fan, show.performanceId());
        holdWith(fan, show, again, show.seatIds().get(2)).then().statusCode(201);
        holdWith(fan, show, admission, show.seatIds().get(3)).then().statusCode(403);
    }

    @Test
    void aTokenOfAnotherOrNoSessionIsRefused() {
        Show show = newShow(1, 4);
        String fan = fan();
        AdmissionTestResource.session(fan, show.performanceId());
        holdWith(fan, show, AdmissionTestResource.tokenOfSession(fan, show.performanceId(), "an-earlier-session"),
                show.seatIds().get(0)).then().statusCode(403);
        holdWith(fan, show, AdmissionTestResource.tokenOfSession(fan, show.performanceId(), null),
                show.seatIds().get(0)).then().statusCode(403);
        // A session of another fan does not open this fan's door either (sub is checked, and the session is per user).
        String other = fan();
        String sid = AdmissionTestResource.session(other, show.performanceId());
        holdWith(fan, show, AdmissionTestResource.tokenOfSession(fan, show.performanceId(), sid),
                show.seatIds().get(0)).then().statusCode(403);
    }

    /**
     * The room's capacity is a cap on who is shopping: of many fans holding signed tokens, only those whose session
     * is live get seats, however the requests interleave.
     */
    @Test
    void onlyLiveSessionsHoldUnderConcurrency() throws Exception {
        Show show = newShow(4, 10);
        List<String> fans = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String fan = fan();
            fans.add(fan);
            tokens.add(AdmissionTestResource.token(fan, show.performanceId()));
        }
        // Only 8 are still admitted when the rush starts.
        for (int i = 8; i < fans.size(); i++) {
            AdmissionTestResource.endSession(fans.get(i), show.performanceId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < fans.size(); i++) {
                int n = i;
                results.add(pool.submit(() -> holdWith(fans.get(n), show, tokens.get(n), show.seatIds().get(n)).statusCode()));
            }
            int held = 0;
            for (int i = 0; i < results.size(); i++) {
                int status = results.get(i).get();
                assertEquals(i < 8 ? 201 : 403, status, "fan " + i);
                held += status == 201 ? 1 : 0;
            }
            assertEquals(8, held);
        } finally {
            pool.shutdownNow();
        }
    }
}
