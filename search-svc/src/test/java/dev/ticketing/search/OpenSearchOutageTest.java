package dev.ticketing.search;

import dev.ticketing.search.support.BookingCatalogStub;
import dev.ticketing.search.support.PerformanceEvents;
import dev.ticketing.search.support.PerformanceEventsTopic;
import dev.ticketing.testsupport.FlakyLink;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.KafkaTopics;
import dev.ticketing.testsupport.OpenSearchTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.ticketing.search.support.PerformanceEvents.NOW;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenSearch goes away while performance events arrive: the consumer waits on the same record and indexes everything
 * once the node is back, newest version last, lag 0. Unprocessable records go to the dead-letter topic.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = OpenSearchTestResource.class, initArgs = @ResourceArg(name = "flaky", value = "true"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(PerformanceEventsTopic.class)
@WithTestResource(BookingCatalogStub.class)
class OpenSearchOutageTest {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "mp.messaging.incoming.performance-events.group.id")
    String group;
    @Inject
    MeterRegistry metrics;

    PerformanceEvents events;
    String category;

    @BeforeEach
    void setUp() {
        events = new PerformanceEvents(bootstrap);
        category = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() {
        OpenSearchTestResource.link().restore();
        events.close();
    }

    @Test
    void eventsThatArriveWhileOpenSearchIsDownAreIndexedWhenItIsBack() throws InterruptedException {
        FlakyLink node = OpenSearchTestResource.link();
        double before = retries();
        node.cut();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = PerformanceEvents.newId();
            ids.add(id);
            events.send(id, events.upserted(id, 1, "Outage " + i, "first version", "Hall", category,
                    NOW.plusDays(5), NOW.plusDays(6)));
        }
        // the first performance changes twice while the node is down: the last version must win
        events.send(ids.get(0), events.upserted(ids.get(0), 2, "Renamed", "second version", "Hall", category,
                NOW.plusDays(5), NOW.plusDays(6)));
        events.send(ids.get(0), events.upserted(ids.get(0), 3, "Final", "third version", "Hall", category,
                NOW.plusDays(5), NOW.plusDays(6)));
        await().atMost(PATIENCE).until(() -> retries() > before);
        // meanwhile a fan searching gets a 503 to retry, in problem+json, with nothing of the engine's error text
        given().queryParam("q", "outage").get("/api/search/performances").then().statusCode(503)
                .header("Retry-After", "2").contentType("application/problem+json")
                .body("detail", equalTo("Search is unavailable for a moment; try again shortly"));
        Thread.sleep(8000); // longer than the index's own bounded retry, after which the channel once stopped
        node.restore();

        // Seeing all four performances says nothing yet about the first one's later versions, which come after them
        // in the partition (and are searchable only after the next refresh): wait for the final state as a whole.
        await().atMost(PATIENCE).untilAsserted(() -> {
            search("").body("items.id", containsInAnyOrder(ids.toArray()));
            search("final").body("total", equalTo(1)).body("items[0].id", equalTo(ids.get(0)));
            search("renamed").body("total", equalTo(0));
        });
        await().atMost(PATIENCE).until(() -> KafkaTopics.lag(bootstrap, group, PerformanceEventsTopic.TOPIC) == 0);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void unprocessableRecordsGoToTheDeadLetterTopic() {
        String tag = UUID.randomUUID().toString();
        String notJson = "{not json " + tag;
        String noType = "{\"eventId\":\"" + tag + "\",\"version\":1}";
        events.send("x", notJson);
        events.send("x", noType);
        String id = PerformanceEvents.newId();
        events.send(id, events.upserted(id, 1, "After the poison", "x", "Hall", category, NOW.plusDays(5), NOW.plusDays(6)));
        await().atMost(PATIENCE).untilAsserted(() -> search("poison").body("items.id", containsInAnyOrder(id)));

        List<KafkaTopics.Received> dead = KafkaTopics.readUntil(bootstrap, "performance-events.search-svc.dlq",
                seen -> seen.stream().filter(r -> r.value().contains(tag)).count() == 2, PATIENCE).stream()
                .filter(r -> r.value().contains(tag)).toList();
        assertEquals(List.of(notJson, noType), dead.stream().map(KafkaTopics.Received::value).toList());
        assertTrue(dead.stream().allMatch(r -> "performance-events".equals(r.headers().get("dead-letter-topic"))
                && r.headers().containsKey("dead-letter-reason")));
    }

    private double retries() {
        Counter c = metrics.find("ticketing.events.retries").tag("channel", "performance-events").counter();
        return c == null ? 0 : c.count();
    }

    private io.restassured.response.ValidatableResponse search(String q) {
        return given().queryParam("q", q).queryParam("category", category)
                .get("/api/search/performances").then().statusCode(200);
    }
}
