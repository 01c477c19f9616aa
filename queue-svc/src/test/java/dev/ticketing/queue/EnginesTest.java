package dev.ticketing.queue;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaRoundTrip;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** queue-svc owns Redis and follows Kafka: both are real and reachable from its config. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class EnginesTest {

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void redisSortedSetRoundTrip() {
        var zset = redis.sortedSet(String.class);
        zset.zadd("probe:{p}:waiting", 2, "bob");
        zset.zadd("probe:{p}:waiting", 1, "alice");
        assertEquals(java.util.List.of("alice", "bob"), zset.zrange("probe:{p}:waiting", 0, -1));
        redis.key().del("probe:{p}:waiting");
    }

    @Test
    void kafkaRoundTrip() throws Exception {
        assertEquals("queue-probe", KafkaRoundTrip.roundTrip(bootstrap, "queue-probe"));
    }

    @Test
    void healthMetricsAndOpenApiAreExposed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
