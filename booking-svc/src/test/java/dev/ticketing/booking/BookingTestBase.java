package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;

/** Shared steps of booking-svc's tests: an admin creates a performance, fans hold and order through the API. */
public abstract class BookingTestBase {

    protected static final String ADMIN = JwtTestResource.accessToken("admin-1", "user", "admin");

    protected static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    protected static String fan() {
        return "fan-" + UUID.randomUUID();
    }

    protected static String tokenOf(String userId) {
        return JwtTestResource.accessToken(userId, "user");
    }

    /** A performance with one showtime of {@code rows} × {@code seatsPerRow} seats at 50,000 KRW; returns the raw body. */
    protected static Response createPerformance(String title, int rows, int seatsPerRow) {
        Map<String, Object> body = Map.of(
                "title", title, "description", "A test performance", "venue", "Seoul Arts Center",
                "category", "musical",
                "showtimes", List.of(Map.of("startsAt", OffsetDateTime.now(ZoneOffset.UTC).plusDays(30).toString(),
                        "sections", List.of(Map.of("name", "R", "rows", rows, "seatsPerRow", seatsPerRow, "price", 50000)))));
        return as(ADMIN).body(body).post("/api/performances").then().statusCode(201).extract().response();
    }

    protected record Show(String performanceId, String showtimeId, List<String> seatIds) {
    }

    protected static Show newShow(int rows, int seatsPerRow) {
        Response p = createPerformance("Show " + UUID.randomUUID(), rows, seatsPerRow);
        String performanceId = p.path("id");
        String showtimeId = p.path("showtimes[0].id");
        List<String> seats = given().get("/api/showtimes/" + showtimeId + "/seats").then().statusCode(200)
                .extract().path("seats.id");
        return new Show(performanceId, showtimeId, seats);
    }

    protected record Section(String name, int rows, int seatsPerRow, long price) {
    }

    /** A performance with {@code showtimes} showtimes of these sections, and its own ticket limit when not null. */
    protected static List<Show> newShows(int showtimes, Integer ticketLimitPerFan, Section... sections) {
        List<Map<String, Object>> sectionBodies = java.util.Arrays.stream(sections).map(s -> Map.<String, Object>of(
                "name", s.name(), "rows", s.rows(), "seatsPerRow", s.seatsPerRow(), "price", s.price())).toList();
        List<Map<String, Object>> times = new java.util.ArrayList<>();
        for (int i = 0; i < showtimes; i++) {
            times.add(Map.of("startsAt", OffsetDateTime.now(ZoneOffset.UTC).plusDays(30 + i).toString(),
                    "sections", sectionBodies));
        }
        Map<String, Object> body = new java.util.HashMap<>(Map.of("title", "Show " + UUID.randomUUID(),
                "venue", "Seoul Arts Center", "category", "concert", "showtimes", times));
        if (ticketLimitPerFan != null) {
            body.put("ticketLimitPerFan", ticketLimitPerFan);
        }
        Response p = as(ADMIN).body(body).post("/api/performances").then().statusCode(201).extract().response();
        List<String> ids = p.path("showtimes.id");
        return ids.stream().map(id -> new Show(p.path("id"), id, given().get("/api/showtimes/" + id + "/seats")
                .then().statusCode(200).extract().path("seats.id"))).toList();
    }

    /** Best available: {@code count} adjacent seats, in {@code section} when not null. */
    protected static Response holdBest(String userId, Show show, int count, String section) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("count", count));
        if (section != null) {
            body.put("section", section);
        }
        return holdWith(userId, show, body);
    }

    protected static Response holdWith(String userId, Show show, Object body) {
        return as(tokenOf(userId)).header("X-Admission-Token", AdmissionTestResource.token(userId, show.performanceId()))
                .body(body).post("/api/showtimes/" + show.showtimeId() + "/holds");
    }

    protected static Response hold(String userId, Show show, List<String> seatIds) {
        return as(tokenOf(userId)).header("X-Admission-Token", AdmissionTestResource.token(userId, show.performanceId()))
                .body(Map.of("seatIds", seatIds)).post("/api/showtimes/" + show.showtimeId() + "/holds");
    }

    protected static Response order(String userId, Show show, String holdId, String paymentToken) {
        return as(tokenOf(userId)).header("X-Admission-Token", AdmissionTestResource.token(userId, show.performanceId()))
                .body(Map.of("holdId", holdId, "paymentToken", paymentToken)).post("/api/orders");
    }

    /** One entrant of a race: {@code userId} (admitted to the show's performance) POSTs {@code body} as a hold. */
    protected record RacedHold(String userId, Show show, String body) {
    }

    /**
     * Sends every hold at once from {@code threads} threads (a plain HTTP client: no client-side serialisation) and
     * answers their status codes in order.
     */
    protected static List<Integer> race(URI base, List<RacedHold> holds, int threads) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (RacedHold h : holds) {
            String access = tokenOf(h.userId());
            String admission = AdmissionTestResource.token(h.userId(), h.show().performanceId());
            attempts.add(() -> http.send(HttpRequest.newBuilder(base.resolve("/api/showtimes/" + h.show().showtimeId() + "/holds"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + access)
                    .header("X-Admission-Token", admission).POST(HttpRequest.BodyPublishers.ofString(h.body())).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Integer> codes = new ArrayList<>();
        try {
            for (Future<Integer> f : pool.invokeAll(attempts)) {
                codes.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        return codes;
    }
}
