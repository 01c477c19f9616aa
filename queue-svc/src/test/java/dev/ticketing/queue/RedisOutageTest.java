package dev.ticketing.queue;

import dev.ticketing.queue.room.Rooms;
import dev.ticketing.testsupport.FlakyLink;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.KafkaTopics;
import dev.ticketing.testsupport.RedisTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.enter;
import static dev.ticketing.queue.QueueTestSupport.event;
import static dev.ticketing.queue.QueueTestSupport.me;
import static dev.ticketing.queue.QueueTestSupport.newPerformanceId;
import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;
import static dev.ticketing.queue.QueueTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis goes away while events arrive (the fault suite's crash, a failover): both consumers wait on the same record
 * and apply everything once Redis is back — nothing skipped, nothing applied twice, lag 0, channels alive. Records
 * that can never be applied go to the dead-letter topics instead of stopping a partition.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = {@ResourceArg(name = "db", value = "6"),
        @ResourceArg(name = "flaky", value = "true")})
@WithTestResource(JwtTestResource.class)
class RedisOutageTest {

    private static final Duration KAFKA = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "mp.messaging.incoming.booking-events.group.id")
    String bookingGroup;
    @ConfigProperty(name = "mp.messaging.incoming.performance-events.group.id")
    String performanceGroup;

    @Inject
    Rooms rooms;
    @Inject
    MeterRegistry metrics;

    @AfterEach
    void redisBack() {
        RedisTestResource.link(6).restore();
    }

    @Test
    void eventsThatArriveWhileRedisIsDownAreAppliedOnceEachWhenItIsBack() {
        int capacity = 4;
        String id = openRoom(rooms, capacity, 600, 100);
        List<String> buyers = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            buyers.add(newUser());
            enter(id, buyers.get(i)).body("status", equalTo("ADMITTED"));
        }
        for (int i = 0; i < capacity + 1; i++) {
            waiting.add(newUser());
            enter(id, waiting.get(i)).body("status", equalTo("WAITING"));
        }
        double bookingRetries = retries("booking-events");
        double performanceRetries = retries("performance-events");

        FlakyLink redis = RedisTestResource.link(6);
        redis.cut();
        // Every buyer's booking ends while Redis is down; the first event is delivered twice (a redelivery).
        List<String> completions = new ArrayList<>();
        for (String buyer : buyers) {
            completions.add(event("BookingCompleted", Map.of("userId", buyer, "performanceId", id,
                    "orderId", UUID.randomUUID().toString())));
        }
        completions.add(completions.get(0));
        completions.forEach(e -> publish(bootstrap, "booking-events", id, e));
        String room = newPerformanceId();
        publish(bootstrap, "performance-events", room, event("PerformanceUpserted", Map.of("performanceId", room,
                "version", 1, "title", "Wicked", "venue", "Charlotte Theater", "category", "musical")));

        await("both consumers to meet the outage", KAFKA, () -> retries("booking-events") > bookingRetries
                && retries("performance-events") > performanceRetries);
        assertEquals(1.0, alive("booking-events"), "a consumer waiting on Redis is alive");
        redis.restore();

        await("the room published during the outage to open", KAFKA, () -> rooms.exists(room));
        for (int i = 0; i < capacity; i++) {
            String fan = waiting.get(i);
            await(fan + " to be admitted", KAFKA, () -> "ADMITTED".equals(me(id, fan).extract().path("status")));
            me(id, buyers.get(i)).statusCode(404);
        }
        // Exactly once: the redelivered completion freed nothing, so the last fan still waits.
        me(id, waiting.get(capacity)).statusCode(200).body("status", equalTo("WAITING"));
        await("booking-events lag 0", KAFKA, () -> KafkaTopics.lag(bootstrap, bookingGroup, "booking-events") == 0);
        await("performance-events lag 0", KAFKA,
                () -> KafkaTopics.lag(bootstrap, performanceGroup, "performance-events") == 0);
        assertEquals(1.0, alive("booking-events"));
        assertEquals(1.0, alive("performance-events"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void recordsThatCanNeverBeAppliedGoToTheDeadLetterTopicsAndTheChannelsGoOn() {
        String id = openRoom(rooms, 1, 600, 100);
        String buyer = newUser();
        enter(id, buyer).body("status", equalTo("ADMITTED"));
        String tag = UUID.randomUUID().toString();
        List<String> poison = List.of("{not json " + tag,
                "{\"eventId\":\"" + tag + "\",\"performanceId\":\"" + id + "\"}",
                event("BookingCompleted", Map.of("performanceId", id, "note", tag)));
        poison.forEach(p -> publish(bootstrap, "booking-events", id, p));
        publish(bootstrap, "booking-events", id, event("BookingAbandoned", Map.of("userId", buyer, "performanceId", id)));
        await("the record after the poison ones to be applied", KAFKA, () -> me(id, buyer).extract().statusCode() == 404);

        List<KafkaTopics.Received> dead = KafkaTopics.readUntil(bootstrap, "booking-events.queue-svc.dlq",
                seen -> seen.stream().filter(r -> r.value().contains(tag)).count() == 3, KAFKA);
        List<KafkaTopics.Received> ours = dead.stream().filter(r -> r.value().contains(tag)).toList();
        assertEquals(poison, ours.stream().map(KafkaTopics.Received::value).toList(), "in order, as published");
        for (KafkaTopics.Received r : ours) {
            assertEquals("booking-events", r.headers().get("dead-letter-topic"), r.headers().toString());
            assertTrue(r.headers().containsKey("dead-letter-reason"), r.headers().toString());
            assertTrue(r.headers().containsKey("dead-letter-offset"), r.headers().toString());
        }

        String room = newPerformanceId();
        String badVersion = event("PerformanceUpserted", Map.of("performanceId", room, "version", "v1-" + tag));
        publish(bootstrap, "performance-events", room, badVersion);
        publish(bootstrap, "performance-events", room, event("PerformanceUpserted", Map.of("performanceId", room,
                "version", 1, "title", "Wicked", "venue", "Charlotte Theater", "category", "musical")));
        await("the valid upsert after the poison one", KAFKA, () -> rooms.exists(room));
        assertTrue(KafkaTopics.readUntil(bootstrap, "performance-events.queue-svc.dlq",
                seen -> seen.stream().anyMatch(r -> r.value().contains(tag)), KAFKA).stream()
                .anyMatch(r -> r.value().equals(badVersion)));
        assertTrue(metrics.find("ticketing.events.dead.lettered").tag("channel", "booking-events").counter().count() >= 3);
        assertEquals(1.0, alive("booking-events"));
        assertEquals(1.0, alive("performance-events"));
    }

    private double retries(String channel) {
        Counter c = metrics.find("ticketing.events.retries").tag("channel", channel).counter();
        return c == null ? 0 : c.count();
    }

    private double alive(String channel) {
        Gauge g = metrics.find("ticketing.messaging.channel.alive").tag("channel", channel).gauge();
        return g == null ? -1 : g.value();
    }

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI base;

    /**
     * Fans never see a 5xx other than 503 while Redis is away: entering, looking and leaving answer 503 + Retry-After
     * (problem+json, the place is kept), and a WebSocket upgrade is refused with 503 before the handshake completes.
     */
    @Test
    void fansGet503WithRetryAfterWhileRedisIsDown() throws Exception {
        String id = openRoom(rooms, 1, 600, 100);
        String fan = newUser();
        enter(id, fan).statusCode(201);
        FlakyLink redis = RedisTestResource.link(6);
        redis.cut();
        enter(id, newUser()).statusCode(503).header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .contentType("application/problem+json");
        me(id, fan).statusCode(503).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(QueueTestSupport.token(fan)).delete("/api/queues/{p}/entries/me", id).then().statusCode(503);
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> WebSocketTest.carrying(QueueTestSupport.token(newUser()))
                        .buildAsync(java.net.URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/api/queues/" + id + "/ws"),
                                new java.net.http.WebSocket.Listener() { })
                        .get(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(503, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        redis.restore();
        await("the room to answer again", KAFKA, () -> me(id, fan).extract().statusCode() == 200);
        me(id, fan).body("status", equalTo("ADMITTED"));
    }
}
