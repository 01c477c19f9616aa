package dev.ticketing.queue;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;

/**
 * Should a channel stop anyway (here: fail-stop configured instead of the dead-letter topic), liveness says so — the
 * kubelet and the local supervisor restart the pod on it — and {@code ticketing_messaging_channel_alive} drops to 0.
 */
@QuarkusTest
@TestProfile(FailedChannelLivenessTest.FailStop.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "7"))
@WithTestResource(JwtTestResource.class)
class FailedChannelLivenessTest {

    public static class FailStop implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.booking-events.failure-strategy", "fail",
                    // a topic of this run only: a poison record left by an earlier run must not fail it early
                    "mp.messaging.incoming.booking-events.topic", "liveness-probe-" + UUID.randomUUID());
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "mp.messaging.incoming.booking-events.topic")
    String topic;

    @Inject
    MeterRegistry metrics;

    @Test
    void aFailedChannelFailsLiveness() {
        given().get("/q/health/live").then().statusCode(200);
        publish(bootstrap, topic, "k", "{not json");
        await("liveness to fail", Duration.ofSeconds(60),
                () -> given().get("/q/health/live").then().extract().statusCode() == 503);
        given().get("/q/health/live").then().body("checks.status", hasItem("DOWN"));
        await("the gauge to drop", Duration.ofSeconds(10), () -> metrics.find("ticketing.messaging.channel.alive")
                .tag("channel", "booking-events").gauge().value() == 0.0);
        given().get("/q/health/ready").then().statusCode(503);
    }
}
