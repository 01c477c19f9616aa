package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Regression test from the fault suite: with every pooled connection taken (a lock storm, a slow query), a request
 * that cannot get one before the acquisition timeout is a 503 problem+json with Retry-After, not a 500; once
 * connections are back the service answers normally.
 */
@QuarkusTest
@TestProfile(PoolExhaustionTest.SmallPool.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class PoolExhaustionTest extends BookingTestBase {

    public static class SmallPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.max-size", "3", "quarkus.datasource.jdbc.acquisition-timeout", "1S");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anExhaustedPoolIs503WithRetryAfterAndRecovers() throws Exception {
        Show show = newShow(1, 4);
        List<Connection> taken = new ArrayList<>();
        try {
            while (taken.size() < 3) { // background work (sweeper, outbox relay) may hold one for a moment
                try {
                    taken.add(dataSource.getConnection());
                } catch (SQLException busy) {
                    Thread.sleep(100);
                }
            }
            // a read that needs the database (the seat map newShow just read is shared from memory, SeatMaps)
            given().get("/api/performances/" + show.performanceId()).then()
                    .statusCode(503)
                    .contentType(startsWith("application/problem+json"))
                    .header("Retry-After", "2")
                    .body("status", equalTo(503));
        } finally {
            for (Connection c : taken) {
                c.close();
            }
        }
        given().get("/api/performances/" + show.performanceId()).then().statusCode(200);
    }
}
