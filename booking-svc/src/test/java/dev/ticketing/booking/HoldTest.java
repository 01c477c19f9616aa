package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.ticketing.booking.order.OrderService;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class HoldTest extends BookingTestBase {

    @Inject
    OrderService orders;

    @Inject
    AgroalDataSource db;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    @Test
    void anAdmittedFanHoldsSeatsAllOrNothing() {
        Show show = newShow(1, 6);
        String alice = fan();
        hold(alice, show, show.seatIds().subList(0, 2)).then().statusCode(201)
                .body("holdId", notNullValue()).body("seats", hasSize(2)).body("amount", equalTo(100000))
                .body("expiresAt", notNullValue());
        seatStatus(show, 0, "HELD");

        // Bob wants seats 1..2: seat 1 is Alice's, so he gets neither (not even the free seat 2)
        String bob = fan();
        hold(bob, show, show.seatIds().subList(1, 3)).then().statusCode(409)
                .contentType("application/problem+json")
                .body("seatIds", contains(show.seatIds().get(1)))
                .body("detail", containsString(show.seatIds().get(1)));
        seatStatus(show, 2, "AVAILABLE");
    }

    @Test
    void aNewHoldReplacesTheFansPreviousOneAndTheLimitHolds() {
        Show show = newShow(1, 8);
        String fan = fan();
        hold(fan, show, show.seatIds().subList(0, 2)).then().statusCode(201);
        hold(fan, show, show.seatIds().subList(2, 4)).then().statusCode(201);
        seatStatus(show, 0, "AVAILABLE");
        seatStatus(show, 2, "HELD");
        hold(fan, show, show.seatIds().subList(0, 5)).then().statusCode(400)
                .body("detail", containsString("at most 4"));
        hold(fan, show, List.of(show.seatIds().get(0), show.seatIds().get(0))).then().statusCode(400);
        hold(fan, show, List.of("seat-that-does-not-exist")).then().statusCode(400)
                .body("seatIds", contains("seat-that-does-not-exist"));
        hold(fan, show, List.of("00000000-0000-0000-0000-000000000000")).then().statusCode(400);
        hold(fan, show, List.of()).then().statusCode(400).body("violations[0].field", equalTo("seatIds"));
    }

    @Test
    void withoutAValidAdmissionTokenForThisFanAndPerformanceItIs403() {
        Show show = newShow(1, 2);
        Show other = newShow(1, 2);
        String fan = fan();
        Map<String, Object> body = Map.of("seatIds", List.of(show.seatIds().get(0)));
        String url = "/api/showtimes/" + show.showtimeId() + "/holds";
        as(tokenOf(fan)).body(body).post(url).then().statusCode(403).contentType("application/problem+json");
        as(tokenOf(fan)).header("X-Admission-Token", AdmissionTestResource.token(fan(), show.performanceId()))
                .body(body).post(url).then().statusCode(403).body("detail", containsString("another user"));
        as(tokenOf(fan)).header("X-Admission-Token", AdmissionTestResource.token(fan, other.performanceId()))
                .body(body).post(url).then().statusCode(403).body("detail", containsString("another performance"));
        as(tokenOf(fan)).header("X-Admission-Token", AdmissionTestResource.token(fan, show.performanceId(),
                        Instant.now().plusSeconds(300), "ticketing-queue", AdmissionTestResource.foreignKey()))
                .body(body).post(url).then().statusCode(403);
        as(tokenOf(fan)).header("X-Admission-Token", AdmissionTestResource.token(fan, show.performanceId(),
                        Instant.now().minusSeconds(30), "ticketing-queue"))
                .body(body).post(url).then().statusCode(403);
        as(tokenOf(fan)).header("X-Admission-Token", AdmissionTestResource.token(fan, show.performanceId(),
                        Instant.now().plusSeconds(300), "someone-else"))
                .body(body).post(url).then().statusCode(403);
        given().contentType("application/json").body(body).post(url).then().statusCode(401);
        seatStatus(show, 0, "AVAILABLE");
    }

    @Test
    void lapsedHoldsAreSweptBackOnSaleAndFreeTheQueueSlot() throws Exception {
        Show show = newShow(1, 3);
        String fan = fan();
        String holdId = hold(fan, show, show.seatIds().subList(0, 2)).then().statusCode(201).extract().path("holdId");
        try (Connection c = db.getConnection();
             PreparedStatement a = c.prepareStatement("update seat_hold set expires_at = now() - interval '1 second' where id = ?::uuid");
             PreparedStatement b = c.prepareStatement("update seat set held_until = now() - interval '1 second' where hold_id = ?::uuid")) {
            a.setString(1, holdId);
            a.executeUpdate();
            b.setString(1, holdId);
            b.executeUpdate();
        }
        // time travel above moved the database's deadline; the gate's deadline is the same one, so move it too
        redis.key().del("seats:{" + show.performanceId() + "}:" + show.showtimeId() + ":taken");
        // a lapsed hold already reads as available, and another fan can take the seat before any sweep
        seatStatus(show, 0, "AVAILABLE");
        String other = fan();
        hold(other, show, show.seatIds().subList(0, 1)).then().statusCode(201);
        orders.expireOverdueHolds(100);
        seatStatus(show, 0, "HELD");      // the other fan's hold is untouched by the sweep
        seatStatus(show, 1, "AVAILABLE"); // the lapsed hold's other seat is free
        order(fan, show, holdId, "tok_approve").then().statusCode(409).body("title", equalTo("Hold Expired"));
        EventLog.await("booking-events", e -> "BookingAbandoned".equals(e.path("type").asText())
                && fan.equals(e.path("userId").asText()) && show.performanceId().equals(e.path("performanceId").asText()));
    }

    static void seatStatus(Show show, int index, String status) {
        given().get("/api/showtimes/" + show.showtimeId() + "/seats").then().statusCode(200)
                .body("seats.find { it.id == '" + show.seatIds().get(index) + "' }.status", equalTo(status));
    }
}
