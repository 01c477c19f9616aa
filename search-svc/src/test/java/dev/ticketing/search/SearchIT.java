package dev.ticketing.search;

import dev.ticketing.search.support.PerformanceEvents;
import dev.ticketing.search.support.PerformanceEventsTopic;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.OpenSearchTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.ticketing.search.support.PerformanceEvents.NOW;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * The packaged service (the jar; the native executable with -Dnative) with its prod profile against the real Kafka and
 * OpenSearch: ready, and a performance event becomes a hit for a Korean word (the index template with nori, the
 * event and document records, the search answer).
 */
@QuarkusIntegrationTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(OpenSearchTestResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(PerformanceEventsTopic.class)
class SearchIT {

    @Test
    void isReady() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aPublishedPerformanceIsFoundByAKoreanWord() {
        String category = "it-" + UUID.randomUUID().toString().substring(0, 8);
        String id = PerformanceEvents.newId();
        try (PerformanceEvents events = new PerformanceEvents(KafkaTestResource.bootstrap())) {
            events.send(id, events.upserted(id, 1, "레미제라블의 귀환", "빅토르 위고 원작의 뮤지컬", "블루스퀘어", category,
                    NOW.plusDays(20), NOW.plusDays(21)));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().queryParam("q", "레미제라블").queryParam("category", category)
                        .get("/api/search/performances").then().statusCode(200)
                        .body("items.title", contains("레미제라블의 귀환"))
                        .body("items[0].id", equalTo(id)));
    }
}
