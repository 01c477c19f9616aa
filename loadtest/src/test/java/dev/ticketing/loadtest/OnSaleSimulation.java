package dev.ticketing.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.http.HttpDsl.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The on-sale: {@code users} fans (provisioned before the sale by {@link ProvisionFans}: loadtest/provision-fans.sh,
 * or made up in {@link #before()}) arrive within
 * {@code windowSeconds}, enter the waiting room (with {@code opensInSeconds}, a scheduled opening: the early ones in
 * the pre-queue, drawn at the opening), hold the WebSocket until ADMITTED, read the seat map, hold random
 * available seats (another pick on 409), order with tok_approve (a {@code declineShare} with tok_decline) and poll the
 * order to a final state. Besides Gatling's own report it writes {@code runFile} (ids, outcomes, samples) for
 * {@link RunChecker}.
 */
public class OnSaleSimulation extends Simulation {

    static final Params P = Params.fromSystem();
    static final List<Api.Fan> FANS = Collections.synchronizedList(new ArrayList<>());
    static volatile Api.Created SALE;
    static final ConcurrentLinkedQueue<String> SAMPLES = new ConcurrentLinkedQueue<>();
    static final Map<String, AtomicLong> OUTCOMES = new ConcurrentHashMap<>();
    static final AtomicLong FIVE_XX = new AtomicLong();
    static final AtomicLong NO_RESPONSE = new AtomicLong();
    static final AtomicLong REQUESTS = new AtomicLong();
    static long saleStartedAt;

    /** Fans in sign-up order; filled in before(), read lazily when the first user is injected. */
    static final Iterator<Map<String, Object>> FEEDER = new Iterator<>() {
        final AtomicInteger next = new AtomicInteger();

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public Map<String, Object> next() {
            Api.Fan f = FANS.get(next.getAndIncrement() % FANS.size());
            Map<String, Object> m = new HashMap<>();
            m.put("email", f.email());
            m.put("token", f.token());
            m.put("refreshToken", f.refreshToken());
            m.put("tokenExpiresAt", f.expiresAt());
            m.put("perfId", SALE.performanceId());
            m.put("showtimeId", SALE.showtimeId());
            return m;
        }
    };

    HttpProtocolBuilder protocol = http.baseUrl(P.baseUrl()).wsBaseUrl(P.wsBaseUrl())
            .acceptHeader("application/json").contentTypeHeader("application/json")
            .disableCaching().userAgentHeader("ticketing-loadtest/gatling");

    static void outcome(String name) {
        OUTCOMES.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Records one request's latency, status (5xx counted) and start time for the checker: a line
     * {@code metric,ms,status,startedAt} (epoch ms) of run-samples.csv.
     */
    static Session sample(Session s, String metric) {
        int st = s.contains("st") ? s.getInt("st") : 0;
        long ms = s.contains("rt") ? s.getLong("rt") : -1;
        long now = System.currentTimeMillis();
        REQUESTS.incrementAndGet();
        if (st >= 500) {
            FIVE_XX.incrementAndGet();
        } else if (st == 0) {
            NO_RESPONSE.incrementAndGet();
        }
        SAMPLES.add(metric + "," + ms + "," + st + "," + (now - Math.max(ms, 0)));
        return s.remove("st").remove("rt");
    }

    static String enc(String v) {
        return URLEncoder.encode(v == null ? "" : v, StandardCharsets.UTF_8);
    }

    /** The waiting-room socket's Sec-WebSocket-Protocol offer: the carrier subprotocol, then the token's entry. */
    static String wsSubprotocols(String accessToken) {
        return "bearer-token-carrier," + enc("quarkus-http-upgrade#Authorization#Bearer " + accessToken);
    }

    /** Seat map → list of AVAILABLE seat ids in the session. */
    static Session availableSeats(Session s) {
        List<String> ids = new ArrayList<>();
        try {
            JsonNode map = Api.JSON.readTree(s.getString("seatMap"));
            for (JsonNode seat : map.path("seats")) {
                if ("AVAILABLE".equals(seat.path("status").asText())) {
                    ids.add(seat.path("id").asText());
                }
            }
        } catch (IOException | RuntimeException e) {
            // no seat map: treated as nothing available
        }
        return s.remove("seatMap").set("available", ids);
    }

    /** Picks up to seatsPerFan random seats from what is left (seats that caused a 409 are dropped first). */
    static Session pick(Session s) {
        List<String> available = new ArrayList<>(s.<String>getList("available"));
        Collections.shuffle(available, ThreadLocalRandom.current());
        int n = Math.min(available.size(), 1 + ThreadLocalRandom.current().nextInt(P.seatsPerFan()));
        List<String> chosen = available.subList(0, n);
        String json = "[" + String.join(",", chosen.stream().map(id -> "\"" + id + "\"").toList()) + "]";
        return s.set("pick", json).set("available", available.subList(n, available.size()));
    }

    ChainBuilder readSeats = exec(http("seats").get("/api/showtimes/#{showtimeId}/seats")
            .check(status().saveAs("st"), responseTimeInMillis().saveAs("rt"), status().is(200),
                    bodyString().saveAs("seatMap")))
            .exec(s -> availableSeats(sample(s, "seats")));

    /**
     * Access tokens live 15 minutes; a fan who waits longer renews hers with the refresh token before the next call
     * (a minute of margin), as the web UI does. The WebSocket needs the token only at its handshake.
     */
    ChainBuilder freshToken = doIf(s -> s.getLong("tokenExpiresAt") - System.currentTimeMillis() < 60_000).then(
            exec(http("refresh token").post("/api/auth/refresh")
                    .body(StringBody("{\"refreshToken\":\"#{refreshToken}\"}"))
                    .check(status().saveAs("st"), responseTimeInMillis().saveAs("rt"), status().is(200),
                            jsonPath("$.accessToken").saveAs("token"), jsonPath("$.refreshToken").saveAs("refreshToken"),
                            jsonPath("$.expiresIn").ofLong().saveAs("expiresIn")))
                    .exec(s -> {
                        outcome("tokensRefreshed");
                        return sample(s, "refresh").set("tokenExpiresAt",
                                System.currentTimeMillis() + (s.contains("expiresIn") ? s.getLong("expiresIn") : 900) * 1000);
                    }));

    ChainBuilder leaveRoom = exec(http("leave room").delete("/api/queues/#{perfId}/entries/me")
            .header("Authorization", "Bearer #{token}")
            .check(status().saveAs("st"), responseTimeInMillis().saveAs("rt"), status().in(204, 404)))
            .exec(s -> sample(s, "leave"));

    ScenarioBuilder fan = scenario("on-sale fan")
            .feed(FEEDER)
            .exec(s -> s.set("enteredAt", System.currentTimeMillis()))
            .exec(freshToken)
            .exec(http("enter").post("/api/queues/#{perfId}/entries").header("Authorization", "Bearer #{token}")
                    .check(status().saveAs("st"), responseTimeInMillis().saveAs("rt"), status().in(200, 201),
                            jsonPath("$.status").saveAs("queueStatus"),
                            jsonPath("$.ticket").optional().saveAs("ticket"),
                            jsonPath("$.admissionToken").optional().saveAs("admissionToken")))
            .exec(s -> {
                if ("BEFORE_OPENING".equals(s.getString("queueStatus"))) {
                    outcome("preQueued"); // the socket hears the countdown, then a position after the draw
                }
                return sample(s, "enter");
            })
            .exitHereIfFailed()
            .doIf(s -> !"ADMITTED".equals(s.getString("queueStatus")) && !"SOLD_OUT".equals(s.getString("queueStatus"))).then(
                    exec(ws("waiting room").connect(s -> "/api/queues/" + s.getString("perfId") + "/ws?ticket="
                                    + enc(s.getString("ticket")))
                            // The token rides in the subprotocol carrier, never in the URL. Netty sends this list as
                            // Sec-WebSocket-Protocol and accepts the one the server selects (bearer-token-carrier); a
                            // plain .header(...) would fail its check that the answer is a subprotocol it offered.
                            .subprotocol(s -> wsSubprotocols(s.getString("token")))
                            .await(Duration.ofSeconds(P.maxQueueWaitSeconds())).on(
                                    ws.checkTextMessage("admitted or sold out")
                                            .matching(jsonPath("$.status").in("ADMITTED", "SOLD_OUT"))
                                            .check(jsonPath("$.status").saveAs("queueStatus"),
                                                    jsonPath("$.admissionToken").optional().saveAs("admissionToken"))))
                            .exec(ws("close waiting room").close()))
            // Every seat sold: the waiting room says so (SOLD_OUT) instead of admitting the fan to an empty map; the fan
            // gives up the place kept for cancellations and goes, as most would.
            .doIf(s -> "SOLD_OUT".equals(s.getString("queueStatus"))).then(
                    exec(s -> {
                        outcome("toldSoldOut");
                        long enteredAt = s.getLong("enteredAt");
                        SAMPLES.add("soldOutNotice," + (System.currentTimeMillis() - enteredAt) + ",200," + enteredAt);
                        return s;
                    }).exec(leaveRoom).exitHere())
            .exec(s -> {
                if (!s.contains("admissionToken")) {
                    outcome("notAdmitted");
                    return s.markAsFailed();
                }
                outcome("admitted");
                long enteredAt = s.getLong("enteredAt");
                SAMPLES.add("queueWait," + (System.currentTimeMillis() - enteredAt) + ",200," + enteredAt);
                return s;
            })
            .exitHereIfFailed()
            .exec(freshToken)
            .exec(readSeats)
            .exec(s -> s.set("holdAttempts", 0).set("holdStatus", 0))
            .asLongAs(s -> s.getInt("holdStatus") != 201 && s.getInt("holdAttempts") < 5
                    && !s.<String>getList("available").isEmpty()).on(
                    exec(OnSaleSimulation::pick)
                            .exec(http("hold").post("/api/showtimes/#{showtimeId}/holds")
                                    .header("Authorization", "Bearer #{token}")
                                    .header("X-Admission-Token", "#{admissionToken}")
                                    .body(StringBody("{\"seatIds\":#{pick}}"))
                                    .check(status().saveAs("st"), responseTimeInMillis().saveAs("rt"),
                                            status().in(201, 409).saveAs("holdStatus"),
                                            jsonPath("$.holdId").optional().saveAs("holdId")))
                            .exec(s -> sample(s, "hold").set("holdAttempts", s.getInt("holdAttempts") + 1))
                            .doIf(s -> s.getInt("holdStatus") == 409).then(
                                    exec(s -> {
                                        outcome("holdConflicts");
                                        return s;
                                    }).exec(readSeats)))
            .doIf(s -> s.getInt("holdStatus") != 201).then(
                    exec(s -> {
                        outcome(s.isFailed() ? "holdFailed" : "noSeatsHeld");
                        return s;
                    }).exec(leaveRoom).exitHere())
            .exec(s -> s.set("paymentToken",
                    ThreadLocalRandom.current().nextDouble() < P.declineShare() ? "tok_decline" : "tok_approve"))
            .exec(freshToken)
            .exec(s -> s.set("orderedAt", System.currentTimeMillis()))
            .exec(http("order").post("/api/orders")
                    .header("Authorization", "Bearer #{token}")
                    .header("X-Admission-Token", "#{admissionToken}")
                    .body(StringBody("{\"holdId\":\"#{holdId}\",\"paymentToken\":\"#{paymentToken}\"}"))
                    .check(status().saveAs("st"), responseTimeInMillis().saveAs("rt"), status().is(202),
                            jsonPath("$.orderId").saveAs("orderId")))
            .exec(s -> sample(s, "order"))
            .exitHereIfFailed()
            .exec(s -> s.set("orderStatus", "PENDING"))
            .asLongAs(s -> "PENDING".equals(s.getString("orderStatus"))
                    && System.currentTimeMillis() - s.getLong("orderedAt") < 120_000).on(
                    pause(Duration.ofMillis(500))
                            .exec(freshToken)
                            .exec(http("order status").get("/api/orders/#{orderId}")
                                    .header("Authorization", "Bearer #{token}")
                                    .check(status().saveAs("st"), responseTimeInMillis().saveAs("rt"),
                                            status().is(200), jsonPath("$.status").saveAs("orderStatus")))
                            .exec(s -> sample(s, "orderStatus"))
                            .exitHereIfFailed())
            .exec(s -> {
                String st = s.getString("orderStatus");
                long orderedAt = s.getLong("orderedAt");
                long took = System.currentTimeMillis() - orderedAt;
                outcome("order" + st);
                SAMPLES.add(("CONFIRMED".equals(st) ? "orderToConfirmed," : "orderToFinal,") + took + ",200," + orderedAt);
                return s;
            })
            // a fan whose payment failed leaves; a confirmed booking frees the slot through booking-events
            .doIf(s -> !"CONFIRMED".equals(s.getString("orderStatus"))).then(leaveRoom);

    {
        setUp(fan.injectOpen(rampUsers(P.users()).during(Duration.ofSeconds(P.windowSeconds()))))
                .protocols(protocol)
                .maxDuration(Duration.ofSeconds(P.windowSeconds() + P.maxQueueWaitSeconds() + 300L));
    }

    @Override
    public void before() {
        try {
            Api api = new Api(P.baseUrl());
            System.out.println("[loadtest] " + P);
            String admin = api.login(P.adminEmail(), P.adminPassword());
            SALE = api.createOnSale(admin, P.seats(), P.capacity(), P.sessionTtlSeconds());
            System.out.println("[loadtest] on sale: " + SALE);
            // Fans are provisioned ahead (loadtest/provision-fans.sh); whatever is missing is made up here, and every
            // token that would expire during the arrival window is refreshed first.
            FANS.addAll(ProvisionFans.provision(P, ProvisionFans.fansFile(P), P.windowSeconds() + 120));
            if (P.opensInSeconds() > 0) {
                // Fresh admin token: provisioning may have outlived the first one.
                admin = api.login(P.adminEmail(), P.adminPassword());
                System.out.println("[loadtest] the room opens at " + api.scheduleOpening(admin, SALE.performanceId(),
                        P.capacity(), P.sessionTtlSeconds(), P.opensInSeconds()) + "; fans who come earlier are drawn");
            }
            saleStartedAt = System.currentTimeMillis();
        } catch (Exception e) {
            throw new IllegalStateException("load test setup failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void after() {
        try {
            ObjectNode run = Api.JSON.createObjectNode();
            run.put("tool", "gatling").put("baseUrl", P.baseUrl()).put("users", P.users())
                    .put("windowSeconds", P.windowSeconds()).put("capacity", P.capacity())
                    .put("performanceId", SALE.performanceId()).put("showtimeId", SALE.showtimeId())
                    .put("seatsOnSale", SALE.seatsOnSale()).put("fansReady", FANS.size())
                    .put("startedAt", saleStartedAt).put("endedAt", System.currentTimeMillis())
                    .put("requests", REQUESTS.get()).put("fiveXx", FIVE_XX.get())
                    .put("noResponse", NO_RESPONSE.get());
            ObjectNode outcomes = run.putObject("outcomes");
            OUTCOMES.forEach((k, v) -> outcomes.put(k, v.get()));
            Path file = Path.of(P.runFile());
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run));
            Path samples = Path.of(P.runFile().replaceAll("\\.json$", "") + "-samples.csv");
            Files.write(samples, (Iterable<String>) () -> new ArrayList<>(SAMPLES).iterator());
            System.out.println("[loadtest] wrote " + file.toAbsolutePath() + " and " + samples.toAbsolutePath());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
