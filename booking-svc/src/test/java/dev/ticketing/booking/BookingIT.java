package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

/**
 * The packaged service (the jar; the native executable with -Dnative) with its prod profile against the real
 * PostgreSQL, Redis and Kafka: ready, an admin's new performance (its outbox event written in the same transaction)
 * has a seat map, and an unknown showtime is a 404 problem.
 */
@QuarkusIntegrationTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class BookingIT extends BookingTestBase {

    @Test
    void isReady() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aNewPerformanceHasASeatMap() {
        Response created = createPerformance("레미제라블", 2, 5);
        String showtimeId = created.path("showtimes[0].id");
        given().get("/api/showtimes/{id}/seats", showtimeId).then().statusCode(200)
                .body("performanceId", equalTo(created.path("id")))
                .body("seats", hasSize(10))
                .body("seats.status", everyItem(equalTo("AVAILABLE")));
    }

    @Test
    void anUnknownShowtimeIsAProblem() {
        given().get("/api/showtimes/{id}/seats", UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }
}
