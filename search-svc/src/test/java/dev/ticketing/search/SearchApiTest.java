package dev.ticketing.search;

import dev.ticketing.search.support.BookingCatalogStub;
import dev.ticketing.search.support.PerformanceEvents;
import dev.ticketing.search.support.PerformanceEventsTopic;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.OpenSearchTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ticketing.search.support.PerformanceEvents.NOW;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public search API on a catalog published through performance-events: Korean and Latin text, ranking, paging,
 * filters, sorting, hostile input and the autocomplete. Each catalog lives in its own categories (unique per run).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(OpenSearchTestResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(PerformanceEventsTopic.class)
@WithTestResource(BookingCatalogStub.class)
class SearchApiTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** Main catalog. */
    static final String SHOWS = "shows-" + RUN;
    /** Classical catalog, for the category filter. */
    static final String CLASSIC = "classic-" + RUN;
    /** 23 look-alike performances, for paging. */
    static final String SERIES = "series-" + RUN;
    static final int SERIES_SIZE = 23;
    static volatile boolean seeded;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @BeforeEach
    void seedOnce() {
        if (seeded) {
            return;
        }
        try (PerformanceEvents events = new PerformanceEvents(bootstrap)) {
            publish(events, SHOWS, "레미제라블의 귀환", "빅토르 위고 원작의 뮤지컬", "블루스퀘어", 20, 25);
            publish(events, SHOWS, "아이유콘서트 HEREH", "아이유 단독 공연", "KSPO DOME", 40, 41);
            publish(events, SHOWS, "Hamlet", "Shakespeare's tragedy in five acts", "Globe Theatre", 15, 15);
            publish(events, SHOWS, "Winter Gala", "An evening of scenes from Hamlet and Macbeth", "Seoul Arts Center",
                    10, 10);
            publish(events, SHOWS, "Les Misérables", "The musical", "Blue Square", 30, 31);
            publish(events, SHOWS, "Running Revue", "already opened, still playing", "Daehakro", -2, 3);
            publish(events, SHOWS, "Yesterday Revue", "its last show is over", "Daehakro", -10, -5);
            publish(events, CLASSIC, "Hamlet Overture", "Tchaikovsky", "Lotte Concert Hall", 15, 15);
            for (int i = 1; i <= SERIES_SIZE; i++) {
                publish(events, SERIES, "Paging Show %02d".formatted(i), "part of a long series", "Hall " + i,
                        50 + i, 50 + i);
            }
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            search(Map.of("category", SERIES, "size", "50")).body("total", equalTo(SERIES_SIZE));
            search(Map.of("category", SHOWS, "q", "revue")).body("total", equalTo(2));
            search(Map.of("category", CLASSIC)).body("total", equalTo(1));
        });
        seeded = true;
    }

    @Test
    void koreanWordsFindCompoundsAndInflectedForms() {
        search(Map.of("q", "레미제라블", "category", SHOWS)).body("items.title", contains("레미제라블의 귀환"));
        search(Map.of("q", "콘서트", "category", SHOWS)).body("items.title", contains("아이유콘서트 HEREH"));
        search(Map.of("q", "아이유", "category", SHOWS)).body("items.title", contains("아이유콘서트 HEREH"));
        search(Map.of("q", "귀환", "category", SHOWS)).body("items.title", contains("레미제라블의 귀환"));
        search(Map.of("q", "아이유 콘서트", "category", SHOWS)).body("items.title", contains("아이유콘서트 HEREH"));
        // venue is searchable too, and one query may combine title and venue words
        search(Map.of("q", "블루스퀘어", "category", SHOWS)).body("items.title", contains("레미제라블의 귀환"));
        search(Map.of("q", "레미제라블 블루스퀘어", "category", SHOWS)).body("items.title", contains("레미제라블의 귀환"));
    }

    @Test
    void latinTextMatchesWithStemmingAndTypoTolerance() {
        search(Map.of("q", "HAMLET", "category", SHOWS)).body("items.title", hasItem("Hamlet"));
        search(Map.of("q", "Hamelt", "category", SHOWS)).body("items.title", hasItem("Hamlet"));
        search(Map.of("q", "tragedies", "category", SHOWS)).body("items.title", contains("Hamlet"));
        // two words must both match: Winter Gala mentions Hamlet but no tragedy
        search(Map.of("q", "hamlet tragedy", "category", SHOWS)).body("items.title", contains("Hamlet"));
        search(Map.of("q", "hereh 콘서트", "category", SHOWS)).body("items[0].title", equalTo("아이유콘서트 HEREH"));
    }

    @Test
    void aTitleMatchOutranksAMentionInTheDescription() {
        // Winter Gala is sooner, so only the title boost can put Hamlet first.
        search(Map.of("q", "hamlet", "category", SHOWS)).body("items.title", contains("Hamlet", "Winter Gala"));
        // sort=date overrides relevance
        search(Map.of("q", "hamlet", "category", SHOWS, "sort", "date"))
                .body("items.title", contains("Winter Gala", "Hamlet"));
    }

    @Test
    void pagesFollowEachOtherWithTheRightTotal() {
        List<String> all = search(Map.of("q", "paging show", "category", SERIES, "size", "50"))
                .body("total", equalTo(SERIES_SIZE)).extract().jsonPath().getList("items.id");
        List<String> walked = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            ValidatableResponse r = search(Map.of("q", "paging show", "category", SERIES, "page", "" + page))
                    .body("page", equalTo(page)).body("size", equalTo(10)).body("total", equalTo(SERIES_SIZE));
            walked.addAll(r.extract().jsonPath().getList("items.id"));
        }
        assertEquals(all, walked, "page 1 holds results 11-20, page 2 results 21-23, in one stable order");
        assertEquals(SERIES_SIZE, walked.stream().distinct().count());
        search(Map.of("q", "paging show", "category", SERIES, "page", "1")).body("items", hasSize(10));
        search(Map.of("q", "paging show", "category", SERIES, "page", "2")).body("items", hasSize(3));
        search(Map.of("q", "paging show", "category", SERIES, "page", "3")).body("items", hasSize(0))
                .body("total", equalTo(SERIES_SIZE));
    }

    @Test
    void anEmptyQueryListsUpcomingPerformancesSoonestFirst() {
        search(Map.of("category", SHOWS))
                .body("total", equalTo(6))
                .body("items.title", contains("Running Revue", "Winter Gala", "Hamlet", "레미제라블의 귀환",
                        "Les Misérables", "아이유콘서트 HEREH"));
        // Past performances are still found by name
        search(Map.of("category", SHOWS, "q", "yesterday")).body("items.title", contains("Yesterday Revue"));
    }

    @Test
    void categoryAndDateFiltersNarrowTheResults() {
        search(Map.of("q", "hamlet", "category", CLASSIC)).body("items.title", contains("Hamlet Overture"));
        search(Map.of("q", "hamlet", "category", CLASSIC.toUpperCase())).body("total", equalTo(1));
        String day14 = NOW.plusDays(14).toLocalDate().toString();
        String day16 = NOW.plusDays(16).toLocalDate().toString();
        search(Map.of("category", SHOWS, "from", day14, "to", day16)).body("items.title", contains("Hamlet"));
        // date-times with offset; a run overlapping the window counts (Running Revue plays until day 3)
        search(Map.of("category", SHOWS, "from", NOW.plusDays(1).toString(), "to", NOW.plusDays(12).toString()))
                .body("items.title", contains("Running Revue", "Winter Gala"));
        search(Map.of("q", "revue", "category", SHOWS, "to", NOW.minusDays(1).toString()))
                .body("items.title", containsInAnyOrder("Yesterday Revue", "Running Revue"));
        search(Map.of("q", "revue", "category", SHOWS, "to", NOW.minusDays(4).toString()))
                .body("items.title", contains("Yesterday Revue"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"{}[]:\\*?~/", "OR 1=1", "*", "{\"match_all\":{}}", "\" } ] , \"size\": 9999",
            "title:* AND (\\", "' OR ''='", "레미제라블\" OR \"1\"=\"1"})
    void luceneAndJsonSyntaxInQIsPlainText(String q) {
        ValidatableResponse r = search(Map.of("q", q, "category", SHOWS));
        int total = r.extract().jsonPath().getInt("total");
        // Nothing in q is interpreted: no match-all, no field syntax; only real words can match.
        assertTrue(total <= 1, "q=" + q + " matched " + total);
    }

    @Test
    void badPagingAndFiltersAreRefusedWithFieldViolations() {
        problem(Map.of("page", "-1"), 400).body("violations.field", contains("page"));
        problem(Map.of("size", "0"), 400).body("violations.field", contains("size"));
        problem(Map.of("size", "51"), 400).body("violations.field", contains("size"))
                .body("violations[0].message", equalTo("must be between 1 and 50"));
        problem(Map.of("page", "abc", "size", "ten"), 400).body("violations.field", contains("page", "size"));
        problem(Map.of("page", "1000", "size", "10"), 400).body("violations.field", contains("page"));
        problem(Map.of("page", "99999999999"), 400).body("violations.field", contains("page"));
        // the largest int: (page + 1) × size once overflowed and the engine's error text reached the client
        problem(Map.of("page", "2147483647"), 400).body("violations.field", contains("page"));
        problem(Map.of("page", "2147483647", "size", "50"), 400).body("violations.field", contains("page"));
        problem(Map.of("from", "yesterday"), 400).body("violations.field", contains("from"));
        problem(Map.of("from", "2026-12-10", "to", "2026-12-01"), 400).body("violations.field", contains("to"));
        problem(Map.of("sort", "popular"), 400).body("violations.field", contains("sort"));
        problem(Map.of("q", "가".repeat(201)), 400).body("violations.field", contains("q"));
        // the last page inside the window is fine
        search(Map.of("page", "999", "size", "10", "category", SHOWS)).body("items", hasSize(0));
    }

    @Test
    void suggestCompletesTitlesByPrefixInKoreanAndLatinScript() {
        suggest("레미").body("items.title", hasItem("레미제라블의 귀환"));
        suggest("아이유콘").body("items.title", hasItem("아이유콘서트 HEREH"));
        suggest("les mi").body("items.title", hasItem("Les Misérables"));
        suggest("ham").body("items.title", hasItem("Hamlet"))
                .body("items.title", not(hasItem("Winter Gala")))
                .body("items.title", everyItem(startsWith("Hamlet")));
        suggest("Paging Show 1").body("items", hasSize(8));
        given().queryParam("q", "Paging Show 1").queryParam("size", "3").get("/api/search/suggest")
                .then().statusCode(200).body("items", hasSize(3));
        suggest("  ").body("items", hasSize(0));
        suggest("\"{}[]:\\*?~/").body("items", hasSize(0));
        given().queryParam("q", "x".repeat(101)).get("/api/search/suggest").then().statusCode(400)
                .contentType("application/problem+json").body("violations.field", contains("q"));
        given().queryParam("q", "ham").queryParam("size", "0").get("/api/search/suggest").then().statusCode(400)
                .contentType("application/problem+json").body("violations.field", contains("size"));
    }

    private static void publish(PerformanceEvents events, String category, String title, String description,
                                String venue, int firstDay, int lastDay) {
        String id = PerformanceEvents.newId();
        events.send(id, events.upserted(id, 1, title, description, venue, category, NOW.plusDays(firstDay),
                NOW.plusDays(lastDay)));
    }

    private static ValidatableResponse search(Map<String, String> params) {
        return given().queryParams(params).get("/api/search/performances").then().statusCode(200)
                .contentType("application/json");
    }

    private static ValidatableResponse suggest(String q) {
        return given().queryParam("q", q).get("/api/search/suggest").then().statusCode(200);
    }

    private static ValidatableResponse problem(Map<String, String> params, int status) {
        return given().queryParams(params).get("/api/search/performances").then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status)).body("title", equalTo("Bad Request"));
    }
}
