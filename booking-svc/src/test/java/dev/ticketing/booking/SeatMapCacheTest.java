package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The seat map is built once and shared (SeatMaps): many fans at once cost one query, this pod's own seat changes show
 * at once, other pods' within the max age (a minute here, so that timing cannot decide the outcome).
 */
@QuarkusTest
@TestProfile(SeatMapCacheTest.LongMaxAge.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class SeatMapCacheTest extends BookingTestBase {

    public static class LongMaxAge implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("booking.seat-map.max-age", "PT1M");
        }
    }

    @Inject
    MeterRegistry metrics;

    @Inject
    AgroalDataSource db;

    double builds() {
        return metrics.get("cache.gets").tag("cache", "seat-maps").tag("result", "miss").functionCounter().count();
    }

    List<String> statuses(Show show) {
        return given().get("/api/showtimes/" + show.showtimeId() + "/seats").then().statusCode(200)
                .header("Cache-Control", "public, max-age=60").extract().path("seats.status");
    }

    @Test
    void fiftyFansAtOnceCostOneBuildAndTheSameBody() throws Exception {
        Show show = newShow(10, 20);
        double before = builds();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Callable<String>> reads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            reads.add(() -> given().get("/api/showtimes/" + show.showtimeId() + "/seats").then().statusCode(200)
                    .extract().asString());
        }
        List<String> bodies = new ArrayList<>();
        for (Future<String> f : pool.invokeAll(reads)) {
            bodies.add(f.get());
        }
        pool.shutdown();
        // newShow read the map once already (one build); none of the 50 reads built it again
        assertEquals(before, builds(), "served from the one body built before");
        assertEquals(1, bodies.stream().distinct().count());
    }

    @Test
    void thisPodsOwnChangesShowAtOnceOtherPodsWithinTheMaxAge() throws Exception {
        Show show = newShow(1, 3);
        assertEquals(List.of("AVAILABLE", "AVAILABLE", "AVAILABLE"), statuses(show));
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(201);
        assertEquals(List.of("HELD", "AVAILABLE", "AVAILABLE"), statuses(show), "this pod's hold: at once");

        // Another pod sells seat 3 (the row changes behind this pod's back): the shared map is at most a minute old.
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("update seat set status = 'HELD', hold_id = gen_random_uuid(), "
                     + "held_until = now() + interval '5 minutes' where id = ?::uuid")) {
            ps.setString(1, show.seatIds().get(2));
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(List.of("HELD", "AVAILABLE", "AVAILABLE"), statuses(show), "not yet: another pod's change");
        hold(fan(), show, show.seatIds().subList(1, 2)).then().statusCode(201);
        assertEquals(List.of("HELD", "HELD", "HELD"), statuses(show), "rebuilt on this pod's next change");
    }
}
