package dev.ticketing.queue;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.enter;
import static dev.ticketing.queue.QueueTestSupport.event;
import static dev.ticketing.queue.QueueTestSupport.me;
import static dev.ticketing.queue.QueueTestSupport.newPerformanceId;
import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The packaged service (the jar; the native executable with -Dnative) with its prod profile against the real Redis and
 * Kafka: ready, and a fan enters a room a performance event opened and is admitted with a signed token (the Lua
 * scripts and their replies, the admission key).
 */
@QuarkusIntegrationTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionKeyResource.class)
class QueueIT {

    @Test
    void isReady() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aFanEntersAnOpenedRoomAndIsAdmitted() {
        String performanceId = newPerformanceId();
        String user = newUser();
        publish(KafkaTestResource.bootstrap(), "performance-events", performanceId, event("PerformanceUpserted",
                Map.of("performanceId", performanceId, "version", 1, "title", "Les Misérables")));
        await("the room to open", Duration.ofSeconds(60), () -> enter(performanceId, user).extract().statusCode() == 201);
        await("the admission", Duration.ofSeconds(20),
                () -> "ADMITTED".equals(me(performanceId, user).statusCode(200).extract().path("status")));
        me(performanceId, user).body("admissionToken", notNullValue());
        given().get("/api/queues/.well-known/jwks.json").then().statusCode(200).body("keys.size()", equalTo(1));
    }
}
