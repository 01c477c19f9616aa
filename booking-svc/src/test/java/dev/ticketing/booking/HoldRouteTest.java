package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sold-out minute's hot path (HoldRoute): a refusal of a taken seat, from a fan whose access token this pod has
 * verified before, is answered before RESTEasy — with exactly the resource's answer — and everything else still gets
 * the resource's answer.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class HoldRouteTest extends BookingTestBase {

    @Inject
    MeterRegistry metrics;

    double route(String result) {
        return metrics.counter("booking.hold.route", "result", result).count();
    }

    /** A fan with one access token for all their requests, as a browser has (tokenOf mints a new one each call). */
    record Fan(String id, String token) {
        Fan() {
            this(fan());
        }

        Fan(String id) {
            this(id, tokenOf(id));
        }

        Response hold(Show show, Object body) {
            return as(token).header("X-Admission-Token", AdmissionTestResource.token(id, show.performanceId()))
                    .body(body).post("/api/showtimes/" + show.showtimeId() + "/holds");
        }

        Response hold(Show show, List<String> seatIds) {
            return hold(show, Map.of("seatIds", seatIds));
        }
    }

    @Test
    void aRefusalIsAnsweredBeforeTheResourceWithTheResourcesOwnAnswer() {
        Show show = newShow(1, 3);
        hold(fan(), show, show.seatIds().subList(0, 1)).then().statusCode(201);
        Fan bob = new Fan();

        double answered = route("answered");
        double passed = route("passed");
        Response byResource = bob.hold(show, show.seatIds().subList(0, 2)); // bob's token: never verified here before
        assertEquals(answered, route("answered"));
        assertEquals(passed + 1, route("passed"), "an access token not verified before goes to the resource");

        Response byRoute = bob.hold(show, show.seatIds().subList(0, 2));
        assertEquals(answered + 1, route("answered"), "the same token, now verified: answered by the route");

        for (Response r : List.of(byResource, byRoute)) {
            r.then().statusCode(409).contentType("application/problem+json")
                    .body("title", equalTo("Seats Taken"))
                    .body("seatIds", contains(show.seatIds().get(0)));
        }
        assertEquals(byResource.contentType(), byRoute.contentType());
        assertEquals(byResource.jsonPath().getMap(""), byRoute.jsonPath().getMap(""));
    }

    @Test
    void anAttemptTheGateLetsThroughIsHeldByTheResource() {
        Show show = newShow(1, 3);
        Fan carol = new Fan();
        carol.hold(show, show.seatIds().subList(0, 1)).then().statusCode(201); // her token is verified now
        double answered = route("answered");
        double passed = route("passed");

        carol.hold(show, show.seatIds().subList(1, 3)).then().statusCode(201)
                .body("seats.id", contains(show.seatIds().get(1), show.seatIds().get(2)));
        assertEquals(answered, route("answered"));
        assertEquals(passed + 1, route("passed"));
        List<String> statuses = given().get("/api/showtimes/" + show.showtimeId() + "/seats").then().statusCode(200)
                .extract().path("seats.status");
        assertEquals(List.of("AVAILABLE", "HELD", "HELD"), statuses, "her new hold replaced the old one");
    }

    /** With a token the route knows, every request it does not take gets the resource's answer, unchanged. */
    @Test
    void whatTheRouteDoesNotTakeGetsTheResourcesAnswer() throws Exception {
        Show show = newShow(1, 3);
        String holder = fan();
        hold(holder, show, show.seatIds().subList(0, 1)).then().statusCode(201);
        Fan dave = new Fan();
        dave.hold(show, show.seatIds().subList(0, 1)).then().statusCode(409); // dave's token is verified now
        dave.hold(show, show.seatIds().subList(0, 1)).then().statusCode(409);
        double answered = route("answered");
        String admission = AdmissionTestResource.token(dave.id(), show.performanceId());
        String path = "/api/showtimes/" + show.showtimeId() + "/holds";

        dave.hold(show, Map.of("seatIds", show.seatIds().subList(0, 1), "count", 1)).then().statusCode(400)
                .body("violations[0].field", equalTo("count"));
        dave.hold(show, Map.of("seatIds", List.of())).then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("seatIds"));
        dave.hold(show, Map.of("seatIds", List.of("not-a-seat"))).then().statusCode(400)
                .body("seatIds", contains("not-a-seat"));
        dave.hold(show, "{\"seatIds\": [").then().statusCode(400).contentType("application/problem+json");
        as(dave.token()).body(Map.of("seatIds", show.seatIds().subList(0, 1))).post(path).then().statusCode(403)
                .body("detail", org.hamcrest.Matchers.containsString("X-Admission-Token"));
        as(dave.token()).header("X-Admission-Token", admission).body(Map.of("seatIds", show.seatIds().subList(0, 1)))
                .post("/api/showtimes/" + UUID.randomUUID() + "/holds").then().statusCode(404);
        given().contentType(ContentType.JSON).header("X-Admission-Token", admission)
                .body(Map.of("seatIds", show.seatIds().subList(0, 1))).post(path).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + dave.token() + "x")
                .header("X-Admission-Token", admission).body(Map.of("seatIds", show.seatIds().subList(0, 1)))
                .post(path).then().statusCode(401);
        // HTTP/2 (h2c, as java.net.http asks for it): handed to the resource with its body unread, same answer
        java.net.http.HttpResponse<String> h2 = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                                        + io.restassured.RestAssured.port + path))
                                .header("Content-Type", "application/json").header("Authorization", "Bearer " + dave.token())
                                .header("X-Admission-Token", admission)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"seatIds\": [\"" + show.seatIds().get(0) + "\"]}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(409, h2.statusCode(), h2.body());
        assertEquals(answered, route("answered"), "none of these was answered by the route");
        dave.hold(show, show.seatIds().subList(0, 1)).then().statusCode(409);
        assertEquals(answered + 1, route("answered"), "and the plain refusal still is");
    }
}
