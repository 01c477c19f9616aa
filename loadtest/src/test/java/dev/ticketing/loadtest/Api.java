package dev.ticketing.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain HTTP client for the steps that happen before the on-sale (admin setup, fans provisioned and logged in) and
 * for the checker. Everything goes through the public API at {@code baseUrl} (docs/api.md), like any API consumer.
 */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public record Created(String performanceId, String showtimeId, int seatsOnSale) {
    }

    /** A fan's session: the access token, the refresh token that renews it and the access token's expiry (epoch ms). */
    public record Fan(String email, String token, String refreshToken, long expiresAt) {
    }

    public Api(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public HttpResponse<String> send(String method, String path, String token, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public String login(String email, String password) throws IOException, InterruptedException {
        return session(email, password).token();
    }

    /** POST /api/auth/login: the fan's tokens. */
    public Fan session(String email, String password) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("email", email).put("password", password);
        HttpResponse<String> r = send("POST", "/api/auth/login", null, body);
        if (r.statusCode() != 200) {
            throw new IOException("login " + email + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return fan(email, JSON.readTree(r.body()));
    }

    /** POST /api/auth/refresh: a new access token and the rotated refresh token (no password hashing server-side). */
    public Fan refresh(Fan fan) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", "/api/auth/refresh", null,
                JSON.createObjectNode().put("refreshToken", fan.refreshToken()));
        if (r.statusCode() != 200) {
            throw new IOException("refresh " + fan.email() + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return fan(fan.email(), JSON.readTree(r.body()));
    }

    private static Fan fan(String email, JsonNode tokens) {
        return new Fan(email, tokens.path("accessToken").asText(), tokens.path("refreshToken").asText(),
                System.currentTimeMillis() + tokens.path("expiresIn").asLong(900) * 1000);
    }

    /**
     * Sign up (409 = already there from an earlier run: fine) and log in; a few retries for 429/5xx. The fault suite
     * and the fuzz use the real sign-up path on purpose; an on-sale run takes provisioned fans ({@link ProvisionFans}).
     */
    public Fan signUpAndLogIn(String email, String password) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                ObjectNode body = JSON.createObjectNode().put("email", email).put("password", password)
                        .put("name", email.substring(0, email.indexOf('@')));
                HttpResponse<String> r = send("POST", "/api/auth/signup", null, body);
                if (r.statusCode() != 201 && r.statusCode() != 409) {
                    throw new IOException("signup " + email + ": HTTP " + r.statusCode() + " " + r.body());
                }
                return session(email, password);
            } catch (IOException e) {
                last = e;
                Thread.sleep(500L * (attempt + 1));
            }
        }
        throw last;
    }

    /** {@code users} fans signed up through the public sign-up (password "loadtest-<email hash>-pw"), in order. */
    public List<Fan> fans(String prefix, int users, int parallelism) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallelism));
        AtomicInteger done = new AtomicInteger();
        List<Future<Fan>> futures = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        for (int i = 1; i <= users; i++) {
            String email = String.format("%s-%06d@loadtest.ticketing.local", prefix, i);
            futures.add(pool.submit(() -> {
                Fan f = signUpAndLogIn(email, "loadtest-" + email.hashCode() + "-pw");
                int n = done.incrementAndGet();
                if (n % 250 == 0) {
                    System.out.printf("[loadtest] %d/%d fans signed up and logged in (%d s)%n", n, users,
                            (System.currentTimeMillis() - t0) / 1000);
                }
                return f;
            }));
        }
        List<Fan> fans = new ArrayList<>();
        int failed = 0;
        for (Future<Fan> f : futures) {
            try {
                fans.add(f.get());
            } catch (Exception e) {
                failed++;
                if (failed <= 3) {
                    System.out.println("[loadtest] fan sign-up failed: " + e.getMessage());
                }
            }
        }
        pool.shutdown();
        System.out.printf("[loadtest] %d fans ready, %d failed, in %d s%n", fans.size(), failed,
                (System.currentTimeMillis() - t0) / 1000);
        return fans;
    }

    /** Admin creates the performance (one showtime, {@code seats} rounded up to whole rows of 20) and opens its room. */
    /**
     * Schedules the room's opening {@code inSeconds} from now (allowed while nobody has entered): fans who come before
     * it wait in the pre-queue and are drawn at random at that instant. Returns the opening time.
     */
    public OffsetDateTime scheduleOpening(String adminToken, String performanceId, int capacity, int sessionTtlSeconds,
                                          int inSeconds) throws IOException, InterruptedException {
        OffsetDateTime opensAt = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(inSeconds);
        ObjectNode config = JSON.createObjectNode().put("capacity", capacity).put("sessionTtlSeconds", sessionTtlSeconds)
                .put("opensAt", opensAt.toString());
        HttpResponse<String> c = send("PUT", "/api/queues/" + performanceId + "/config", adminToken, config);
        if (c.statusCode() != 200) {
            throw new IOException("schedule the opening: HTTP " + c.statusCode() + " " + c.body());
        }
        return opensAt;
    }

    public Created createOnSale(String adminToken, int seats, int capacity, int sessionTtlSeconds) throws Exception {
        int perRow = Math.min(20, seats);
        int rows = (seats + perRow - 1) / perRow;
        ArrayNode sections = JSON.createArrayNode();
        int sectionCount = (rows + 199) / 200;
        for (int s = 0; s < sectionCount; s++) {
            int r = Math.min(200, rows - s * 200);
            sections.addObject().put("name", "S" + (s + 1)).put("rows", r).put("seatsPerRow", perRow).put("price", 99000);
        }
        ObjectNode perf = JSON.createObjectNode();
        String stamp = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
        perf.put("title", "Load test on-sale " + stamp).put("description", "on-sale load test (loadtest/)")
                .put("venue", "Loadtest Arena").put("category", "concert");
        perf.putArray("showtimes").addObject()
                .put("startsAt", OffsetDateTime.now(ZoneOffset.UTC).plusDays(30).truncatedTo(ChronoUnit.SECONDS).toString())
                .set("sections", sections);
        HttpResponse<String> r = send("POST", "/api/performances", adminToken, perf);
        if (r.statusCode() != 201) {
            throw new IOException("create performance: HTTP " + r.statusCode() + " " + r.body());
        }
        JsonNode created = JSON.readTree(r.body());
        String performanceId = created.path("id").asText();
        String showtimeId = created.path("showtimes").path(0).path("id").asText();
        // the room opens once queue-svc has consumed PerformanceUpserted (Kafka): retry the config until it is live
        ObjectNode config = JSON.createObjectNode().put("capacity", capacity).put("sessionTtlSeconds", sessionTtlSeconds);
        // -DadmitPerSecond: the room's admission rate (queue-svc's default, 20/s, otherwise paces a big sale)
        int admitPerSecond = Params.num("admitPerSecond", 0);
        if (admitPerSecond > 0) {
            config.put("admitPerSecond", admitPerSecond);
        }
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            HttpResponse<String> c = send("PUT", "/api/queues/" + performanceId + "/config", adminToken, config);
            // settings may be stored before queue-svc has the performance: the sale opens once the room is live
            if (c.statusCode() == 200 && JSON.readTree(c.body()).path("live").asBoolean(false)) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("queue config: HTTP " + c.statusCode() + " " + c.body());
            }
            Thread.sleep(500);
        }
        HttpResponse<String> m = send("GET", "/api/showtimes/" + showtimeId + "/seats", null, null);
        int onSale = JSON.readTree(m.body()).path("seats").size();
        return new Created(performanceId, showtimeId, onSale);
    }
}
