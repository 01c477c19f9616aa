package dev.ticketing.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ticketing.search.support.BookingCatalogStub;
import dev.ticketing.search.support.PerformanceEvents;
import dev.ticketing.search.support.PerformanceEventsTopic;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.OpenSearchTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.ticketing.search.support.PerformanceEvents.NOW;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admin rebuild from booking-svc's catalog (stubbed over HTTP): new index, atomic alias swap, no lost events. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(OpenSearchTestResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(PerformanceEventsTopic.class)
@WithTestResource(BookingCatalogStub.class)
class IndexRebuildTest {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final String REBUILD = "/api/search/admin/rebuild";
    static final int FILLERS = 120;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "quarkus.rest-client.booking.url")
    String booking;

    @Inject
    RestClient openSearch;

    final ObjectMapper json = new ObjectMapper();
    final String category = "rebuild-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void onlyAnAdminMayRebuild() {
        given().post(REBUILD).then().statusCode(401).contentType("application/problem+json")
                .body("status", equalTo(401));
        given().auth().oauth2("not.a.token").post(REBUILD).then().statusCode(401);
        given().auth().oauth2(JwtTestResource.accessToken(UUID.randomUUID().toString(), "user"))
                .post(REBUILD).then().statusCode(403).contentType("application/problem+json")
                .body("status", equalTo(403));
    }

    @Test
    void rebuildSwapsTheAliasToAFreshIndexWhileSearchesKeepAnsweringAndEventsAreKept() throws Exception {
        String steady = PerformanceEvents.newId();
        String orphan = PerformanceEvents.newId();
        String bumped = PerformanceEvents.newId();
        String catalogOnly = PerformanceEvents.newId();
        try (PerformanceEvents events = new PerformanceEvents(bootstrap)) {
            events.send(steady, upserted(events, steady, 1, "Steady Show"));
            // Deleted at booking-svc while this index missed it: a rebuild from the source of truth drops it.
            events.send(orphan, upserted(events, orphan, 1, "Orphan Show"));
            events.send(bumped, upserted(events, bumped, 1, "Bumped Show"));
            await().atMost(PATIENCE).untilAsserted(() -> search("show").body("total", equalTo(3)));
        }
        String before = indexBehind("performances");

        ArrayNode catalog = json.createArrayNode();
        catalog.add(performance(steady, 1, "Steady Show"));
        catalog.add(performance(catalogOnly, 4, "Catalog Only Show"));
        catalog.add(performance(bumped, 3, "Bumped Show v3"));
        for (int i = 0; i < FILLERS; i++) {
            catalog.add(performance(PerformanceEvents.newId(), 1, "Filler %03d".formatted(i)));
        }
        stub("PUT", "/__stub/catalog", catalog);
        stub("POST", "/__stub/hold", null);

        // Searches run all through the rebuild and the swap; every one must answer and find the steady show.
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CompletableFuture<Integer> searcher = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            while (!stop.get()) {
                Response r = given().queryParam("q", "steady").queryParam("category", category)
                        .get("/api/search/performances");
                List<String> ids = r.statusCode() == 200 ? r.jsonPath().getList("items.id") : List.of();
                if (!ids.contains(steady)) {
                    failures.add(r.statusCode() + " " + r.asString());
                }
                n++;
            }
            return n;
        });
        String admin = JwtTestResource.accessToken(UUID.randomUUID().toString(), "admin");
        CompletableFuture<ExtractableResponse<Response>> rebuild = CompletableFuture.supplyAsync(() ->
                given().auth().oauth2(admin).post(REBUILD).then().extract());

        // While booking-svc is slow to answer, the new index exists behind the rebuild alias.
        await().atMost(PATIENCE).until(() -> indexOrNull("performances-rebuild") != null);
        given().auth().oauth2(admin).post(REBUILD).then().statusCode(409).contentType("application/problem+json");

        String duringId = PerformanceEvents.newId();
        try (PerformanceEvents events = new PerformanceEvents(bootstrap)) {
            events.send(duringId, upserted(events, duringId, 1, "Published During Rebuild"));
            events.send(bumped, upserted(events, bumped, 5, "Bumped Show Live"));
        }
        await().atMost(PATIENCE).untilAsserted(() -> search("published during rebuild")
                .body("items.id", hasItem(duringId)));
        stub("POST", "/__stub/release", null);

        ExtractableResponse<Response> done = rebuild.get(120, TimeUnit.SECONDS);
        stop.set(true);
        int searches = searcher.get(60, TimeUnit.SECONDS);
        assertEquals(200, done.statusCode(), done.asString());
        JsonPath report = done.jsonPath();
        String after = report.getString("index");
        assertNotEquals(before, after);
        assertEquals(before, report.getString("previousIndex"));
        assertEquals(FILLERS + 3, report.getInt("performances"));
        assertEquals(2, Integer.parseInt(stub("GET", "/__stub/requests", null)), "123 performances = 2 pages");
        assertTrue(searches > 0);
        assertTrue(failures.isEmpty(), searches + " searches, failed: " + failures);

        assertEquals(after, indexBehind("performances"));
        assertEquals(null, indexOrNull("performances-rebuild"));
        ResponseException gone = assertThrows(ResponseException.class,
                () -> openSearch.performRequest(new Request("GET", "/" + before)));
        assertEquals(404, gone.getResponse().getStatusLine().getStatusCode());

        search("").body("total", equalTo(FILLERS + 4));
        search("catalog only").body("items.id", contains(catalogOnly));
        search("orphan").body("total", equalTo(0));
        search("published during rebuild").body("items.id", contains(duringId));
        // The event's version 5 beat the catalog's version 3.
        search("bumped").body("items.title", contains("Bumped Show Live"));

        // Live events keep flowing into the new index.
        try (PerformanceEvents events = new PerformanceEvents(bootstrap)) {
            events.send(steady, events.deleted(steady, 2));
        }
        await().atMost(PATIENCE).untilAsserted(() -> search("steady").body("total", equalTo(0)));
    }

    @Test
    void aFailingCatalogLeavesTheLiveIndexInPlace() throws Exception {
        String before = indexBehind("performances");
        stub("POST", "/__stub/fail", null);
        try {
            given().auth().oauth2(JwtTestResource.accessToken(UUID.randomUUID().toString(), "admin"))
                    .post(REBUILD).then().statusCode(502).contentType("application/problem+json")
                    .body("status", equalTo(502));
        } finally {
            stub("POST", "/__stub/heal", null);
        }
        assertEquals(before, indexBehind("performances"));
        assertEquals(null, indexOrNull("performances-rebuild"));
        given().queryParam("q", "anything").get("/api/search/performances").then().statusCode(200);
        search("").body("items.title", not(hasItem("x")));
    }

    private ObjectNode upserted(PerformanceEvents events, String id, long version, String title) {
        return events.upserted(id, version, title, "rebuild test", "Test Hall", category, NOW.plusDays(7),
                NOW.plusDays(8));
    }

    /** A performance in booking-svc's catalog shape. */
    private ObjectNode performance(String id, long version, String title) {
        ObjectNode p = json.createObjectNode();
        p.put("id", id).put("version", version).put("title", title).put("description", "from the catalog")
                .put("venue", "Test Hall").put("category", category);
        p.putArray("showtimes").addObject().put("id", id + "-1").put("startsAt", NOW.plusDays(9).toString());
        p.put("firstShowAt", NOW.plusDays(9).toString()).put("lastShowAt", NOW.plusDays(9).toString());
        return p;
    }

    private ValidatableResponse search(String q) {
        return given().queryParam("q", q).queryParam("category", category).queryParam("size", "50")
                .get("/api/search/performances").then().statusCode(200);
    }

    private String stub(String method, String path, Object body) {
        var request = given().baseUri(booking).port(-1);
        if (body != null) {
            request = request.contentType("application/json").body(body.toString());
        }
        Response r = request.request(method, path);
        assertTrue(r.statusCode() < 300, path + " → " + r.statusCode() + " " + r.asString());
        return r.asString();
    }

    private String indexBehind(String alias) throws Exception {
        String name = indexOrNull(alias);
        assertTrue(name != null, "alias " + alias + " missing");
        return name;
    }

    private String indexOrNull(String alias) throws Exception {
        try {
            var r = openSearch.performRequest(new Request("GET", "/_alias/" + alias));
            Map<?, ?> body = json.readValue(r.getEntity().getContent(), Map.class);
            return body.keySet().iterator().next().toString();
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }
}
