package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class CatalogTest extends BookingTestBase {

    @Test
    void adminCreatesAPerformanceWithAGeneratedSeatMapAndItIsPublished() {
        Response created = createPerformance("레미제라블 Les Misérables", 3, 10);
        String id = created.path("id");
        String showtimeId = created.path("showtimes[0].id");
        created.then().body("version", equalTo(1)).body("showtimes[0].seats", equalTo(30))
                .body("firstShowAt", notNullValue()).header("Location", containsString("/api/performances/" + id));

        given().get("/api/performances/" + id).then().statusCode(200).body("title", equalTo("레미제라블 Les Misérables"));
        given().get("/api/showtimes/" + showtimeId + "/seats").then().statusCode(200)
                .body("performanceId", equalTo(id))
                .body("seats", hasSize(30))
                .body("seats.status", everyItem(equalTo("AVAILABLE")))
                .body("seats.row", hasItem("C"))
                .body("seats.price", everyItem(equalTo(50000)));

        var event = EventLog.await("performance-events", e -> id.equals(e.path("performanceId").asText()));
        assertEquals("PerformanceUpserted", event.path("type").asText());
        assertEquals(1, event.path("version").asLong());
        assertEquals(showtimeId, event.path("showtimes").get(0).path("showtimeId").asText());
        assertEquals(1, event.path("schemaVersion").asInt());
    }

    @Test
    void updateBumpsTheVersionAndDeleteRemovesThePerformance() {
        String id = createPerformance("Cats", 1, 5).path("id");
        as(ADMIN).body(Map.of("title", "Cats (2027 tour)", "venue", "Blue Square", "category", "musical",
                        "description", "Memory"))
                .put("/api/performances/" + id).then().statusCode(200)
                .body("version", equalTo(2)).body("title", equalTo("Cats (2027 tour)"));
        EventLog.await("performance-events", e -> id.equals(e.path("performanceId").asText()) && e.path("version").asLong() == 2);

        as(ADMIN).delete("/api/performances/" + id).then().statusCode(204);
        given().get("/api/performances/" + id).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        var deleted = EventLog.await("performance-events", e -> id.equals(e.path("performanceId").asText())
                && "PerformanceDeleted".equals(e.path("type").asText()));
        assertEquals(3, deleted.path("version").asLong());
        as(ADMIN).delete("/api/performances/" + id).then().statusCode(404);
    }

    @Test
    void onlyAdminsChangeTheCatalog() {
        Map<String, Object> body = Map.of("title", "x", "venue", "y", "category", "z",
                "showtimes", List.of(Map.of("startsAt", "2030-01-01T19:00:00+09:00",
                        "sections", List.of(Map.of("name", "A", "rows", 1, "seatsPerRow", 1, "price", 1)))));
        given().contentType("application/json").body(body).post("/api/performances").then().statusCode(401);
        as(tokenOf(fan())).body(body).post("/api/performances").then().statusCode(403);
        as("not-a-jwt").body(body).post("/api/performances").then().statusCode(401);
    }

    @Test
    void badInputIsA400WithFieldViolations() {
        as(ADMIN).body(Map.of("title", "", "venue", "v", "category", "c",
                        "showtimes", List.of(Map.of("sections", List.of(Map.of("name", "A", "rows", 0, "seatsPerRow", 5, "price", -1))))))
                .post("/api/performances").then().statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItem("title"))
                .body("violations.field", hasItem("showtimes[0].startsAt"))
                .body("violations.field", hasItem("showtimes[0].sections[0].rows"))
                .body("violations.field", hasItem("showtimes[0].sections[0].price"));
        as(ADMIN).body("{\"title\": \"x\", ").post("/api/performances").then().statusCode(400)
                .contentType("application/problem+json");
        as(ADMIN).body(Map.of("title", "x", "venue", "v", "category", "c", "showtimes", "soon"))
                .post("/api/performances").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/performances/not-an-id").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/showtimes/00000000-0000-0000-0000-000000000000/seats").then().statusCode(404);
        given().get("/api/performances?size=1000").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void listPagesThroughLivePerformances() {
        createPerformance("Page A", 1, 1);
        createPerformance("Page B", 1, 1);
        int total = given().get("/api/performances?page=0&size=1").then().statusCode(200)
                .body("items", hasSize(1)).body("size", equalTo(1)).extract().path("total");
        given().get("/api/performances?page=" + (total - 1) + "&size=1").then().statusCode(200).body("items", hasSize(1));
        given().get("/api/performances?page=" + total + "&size=1").then().statusCode(200).body("items", hasSize(0));
        given().get("/api/performances?page=0&size=200").then().statusCode(200)
                .body("items.title", hasItem("Page B")).body("items[0].showtimes[0].id", notNullValue());
    }
}
