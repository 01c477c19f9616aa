package dev.ticketing.search;

import dev.ticketing.search.support.BookingCatalogStub;
import dev.ticketing.search.support.PerformanceEvents;
import dev.ticketing.search.support.PerformanceEventsTopic;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.OpenSearchTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.ticketing.search.support.PerformanceEvents.NOW;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** performance-events → the index, through the real broker and the real OpenSearch node. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(OpenSearchTestResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(PerformanceEventsTopic.class)
@WithTestResource(BookingCatalogStub.class)
class EventIndexingTest {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    PerformanceEvents events;
    /** Each test searches inside its own category, so documents of other tests never interfere. */
    String category;

    @BeforeEach
    void setUp() {
        events = new PerformanceEvents(bootstrap);
        category = "evt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void anUpsertedPerformanceBecomesSearchableWithItsFields() {
        String id = PerformanceEvents.newId();
        events.send(id, events.upserted(id, 1, "오페라의 유령", "앤드루 로이드 웨버의 뮤지컬", "샤롯데씨어터",
                category, NOW.plusDays(10), NOW.plusDays(12)));

        await().atMost(PATIENCE).untilAsserted(() -> search("유령")
                .body("total", equalTo(1))
                .body("items[0].id", equalTo(id))
                .body("items[0].title", equalTo("오페라의 유령"))
                .body("items[0].venue", equalTo("샤롯데씨어터"))
                .body("items[0].category", equalTo(category))
                .body("items[0].showtimes.size()", equalTo(3)));
        JsonPath first = search("유령").extract().jsonPath();
        assertEquals(NOW.plusDays(10).toInstant(),
                java.time.OffsetDateTime.parse(first.getString("items[0].firstShowAt")).toInstant());
    }

    @Test
    void aNewerVersionReplacesTheOldOne() {
        String id = PerformanceEvents.newId();
        events.send(id, events.upserted(id, 1, "Hamlet", "Shakespeare", "Arts Center", category,
                NOW.plusDays(5), NOW.plusDays(6)));
        events.send(id, events.upserted(id, 2, "Macbeth", "Shakespeare", "Arts Center", category,
                NOW.plusDays(5), NOW.plusDays(6)));

        await().atMost(PATIENCE).untilAsserted(() -> search("macbeth").body("items.id", contains(id)));
        search("hamlet").body("total", equalTo(0));
    }

    @Test
    void aStaleOrReplayedEventNeverOverwritesANewerVersion() {
        String id = PerformanceEvents.newId();
        events.send(id, events.upserted(id, 2, "Carmen", "Bizet v2", "Opera House", category,
                NOW.plusDays(5), NOW.plusDays(6)));
        events.send(id, events.upserted(id, 1, "Tosca", "Puccini v1", "Opera House", category,
                NOW.plusDays(5), NOW.plusDays(6)));
        events.send(id, events.upserted(id, 2, "Aida", "same version replayed with other content", "Opera House",
                category, NOW.plusDays(5), NOW.plusDays(6)));
        publishMarkerAndWait();

        search("").body("items.title", contains("Carmen", "Marker"));
        search("tosca").body("total", equalTo(0));
        search("aida").body("total", equalTo(0));
        // Operators see refused writes as a metric.
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("search_performance_events_total{outcome=\"stale\"}"));
    }

    @Test
    void aDeletedPerformanceDisappearsAndAnOlderUpsertCannotResurrectIt() {
        String id = PerformanceEvents.newId();
        events.send(id, events.upserted(id, 1, "Giselle", "ballet", "Opera House", category,
                NOW.plusDays(5), NOW.plusDays(6)));
        await().atMost(PATIENCE).untilAsserted(() -> search("giselle").body("items.id", contains(id)));

        events.send(id, events.deleted(id, 2));
        await().atMost(PATIENCE).untilAsserted(() -> search("giselle").body("total", equalTo(0)));

        events.send(id, events.upserted(id, 1, "Giselle", "replayed", "Opera House", category,
                NOW.plusDays(5), NOW.plusDays(6)));
        publishMarkerAndWait();
        search("giselle").body("total", equalTo(0)).body("items", empty());
        search("").body("items.title", contains("Marker"));
    }

    @Test
    void unknownTypesAndMalformedRecordsAreSkippedWithoutBlockingLaterEvents() {
        events.send("x", "{not json");
        events.send("x", "{\"eventId\":\"e1\",\"type\":\"PerformanceRenamed\",\"schemaVersion\":1}");
        events.send("x", "{\"eventId\":\"e2\",\"type\":\"PerformanceUpserted\",\"version\":1}");
        publishMarkerAndWait();
    }

    /**
     * Every test record goes to partition 0, which the consumer applies in order: once this marker is searchable,
     * everything published before it has been processed.
     */
    private void publishMarkerAndWait() {
        String marker = PerformanceEvents.newId();
        events.send(marker, events.upserted(marker, 1, "Marker", "ordering marker", "nowhere", category,
                NOW.plusDays(30), NOW.plusDays(30)));
        await().atMost(PATIENCE).untilAsserted(() -> search("marker").body("items.id", contains(marker)));
    }

    private io.restassured.response.ValidatableResponse search(String q) {
        return given().queryParam("q", q).queryParam("category", category)
                .get("/api/search/performances").then().statusCode(200);
    }
}
