package dev.ticketing.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway in front of stub backends: routing, the verify subrequest, identity headers, the WebSocket route (token
 * in the Sec-WebSocket-Protocol carrier, never in the URL).
 */
@QuarkusTest
@QuarkusTestResource(value = StubBackends.class, restrictToAnnotatedClass = true)
class GatewayTest {

    @TestHTTPResource("/")
    URI base;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void publicRouteIsProxiedWithoutAskingAuth() throws Exception {
        int calls = StubBackends.VERIFY_CALLS.get();
        HttpResponse<String> r = get("/api/open/hello?q=%ED%8B%B0%EC%BC%93", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"uri\":\"/api/open/hello?q=%ED%8B%B0%EC%BC%93\""), r.body());
        assertEquals(calls, StubBackends.VERIFY_CALLS.get());
    }

    @Test
    void protectedRouteWithoutTokenIs401ProblemJson() throws Exception {
        HttpResponse<String> r = get("/api/things/1", null);
        assertEquals(401, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains("\"status\":401"), r.body());
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, get("/api/things/1", "Bearer bad").statusCode());
    }

    @Test
    void protectedRouteCarriesTheVerifiedIdentityAndTheBody() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/things/1/holds"))
                .header("Authorization", "Bearer admin")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"seatIds\":[\"A-1\"]}"))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"userId\":\"u-2\""), r.body());
        assertTrue(r.body().contains("\"roles\":\"admin,user\""), r.body());
        assertTrue(r.body().contains("\"authorization\":\"Bearer admin\""), r.body());
        assertTrue(r.body().contains("seatIds"), r.body());
    }

    @Test
    void clientCannotForgeIdentityHeaders() throws Exception {
        HttpRequest forged = HttpRequest.newBuilder(base.resolve("/api/open/x"))
                .header("X-User-Id", "someone-else").header("X-User-Roles", "admin")
                .header("X-Forwarded-For", "203.0.113.9").build();
        HttpResponse<String> r = http.send(forged, HttpResponse.BodyHandlers.ofString());
        assertTrue(r.body().contains("\"forwardedFor\":\"127.0.0.1\""), r.body());
        assertTrue(r.body().contains("\"userId\":null"), r.body());
        assertTrue(r.body().contains("\"roles\":null"), r.body());
        HttpRequest forgedWithToken = HttpRequest.newBuilder(base.resolve("/api/things/x"))
                .header("Authorization", "Bearer good").header("X-User-Id", "someone-else").build();
        r = http.send(forgedWithToken, HttpResponse.BodyHandlers.ofString());
        assertTrue(r.body().contains("\"userId\":\"u-1\""), r.body());
    }

    @Test
    void firstMatchWinsPublicRegexBeforeProtectedPrefix() throws Exception {
        assertEquals(200, get("/api/things/7/peek", null).statusCode());
        assertEquals(401, get("/api/things/7/other", null).statusCode());
    }

    @Test
    void aTokenInTheUrlIsNeverACredential() throws Exception {
        assertEquals(401, get("/api/things/7/holds?access_token=good", null).statusCode());
        assertEquals(401, get("/api/things/7/ws?access_token=good", null).statusCode());
    }

    @Test
    void theSubprotocolCarrierCountsOnlyOnTheWebSocketRoute() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/things/7/holds"))
                .header("Sec-WebSocket-Protocol", StubBackends.CARRIER_PROTOCOL + ", " + carrier("good")).build();
        assertEquals(401, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        // ... and it did reach verify, which is what refused it
        assertEquals(List.of(StubBackends.CARRIER_PROTOCOL + ", " + carrier("good")),
                StubBackends.VERIFY_SAW_PROTOCOLS.get());
    }

    @Test
    void webSocketUpgradesWithTheSubprotocolCarrier() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder()
                .subprotocols(StubBackends.CARRIER_PROTOCOL, carrier("good"))
                .buildAsync(ws("/api/things/7/ws?ticket=t-1"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                })
                .get(20, TimeUnit.SECONDS);
        // The subprotocol the backend selected reaches the client (a browser fails the handshake without it).
        assertEquals(StubBackends.CARRIER_PROTOCOL, ws.getSubprotocol());
        ws.sendText("hi", true);
        assertEquals("echo hi for u-1", reply.get(20, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        // verify and the backend got the offer unchanged, and the ticket's query string passed through untouched
        String offer = StubBackends.CARRIER_PROTOCOL + ", " + carrier("good");
        assertEquals(List.of(offer), StubBackends.VERIFY_SAW_PROTOCOLS.get());
        assertEquals(List.of(offer), StubBackends.BACKEND_SAW_PROTOCOLS.get());
        assertEquals("/api/things/7/ws?ticket=t-1", StubBackends.BACKEND_SAW_WS_URI.get());
    }

    @Test
    void webSocketWithoutValidTokenIsRefused() {
        assertHandshakeRefused(401, http.newWebSocketBuilder()
                .subprotocols(StubBackends.CARRIER_PROTOCOL, carrier("bad")), "/api/things/7/ws");
        // The old query form alone is no credential any more.
        assertHandshakeRefused(401, http.newWebSocketBuilder(), "/api/things/7/ws?access_token=good");
        assertHandshakeRefused(401, http.newWebSocketBuilder()
                .subprotocols(StubBackends.CARRIER_PROTOCOL), "/api/things/7/ws?access_token=good");
        assertHandshakeRefused(401, http.newWebSocketBuilder(), "/api/things/7/ws");
    }

    private void assertHandshakeRefused(int status, WebSocket.Builder builder, String path) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> builder.buildAsync(ws(path), new WebSocket.Listener() { }).join(), path);
        assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), path);
        assertEquals(status, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode(), path);
    }

    /** The token's subprotocol entry, URL-encoded as java.net.URLEncoder does it (the server URL-decodes). */
    private static String carrier(String token) {
        return URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token, StandardCharsets.UTF_8);
    }

    @Test
    void unknownApiPathIs404AndTraversalIs400() throws Exception {
        HttpResponse<String> r = get("/api/nowhere", null);
        assertEquals(404, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(400, get("/api/things/7/peek/..%2F..%2Fsecret", null).statusCode());
        assertEquals(400, get("/api/open/%2e%2e/things/1", null).statusCode());
    }

    @Test
    void downBackendIsABadGatewayInProblemJson() throws Exception {
        HttpResponse<String> r = get("/api/down/x", null);
        assertEquals(502, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("2", r.headers().firstValue("Retry-After").orElse(""));
        assertTrue(r.body().contains("\"status\":502"), r.body());
    }

    /**
     * Regression (issue: a burst through the gateway got a 502 for a pooled connection the backend had closed): a
     * request whose backend connection closes before any answer is sent again on a new connection when a replay is
     * safe — idempotent methods, or a POST with an Idempotency-Key — and the answer is the backend's.
     */
    @Test
    void aDroppedConnectionIsRetriedOnAFreshOneWhenTheReplayIsSafe() throws Exception {
        int dropped = StubBackends.FLAKY_DROPPED.get();
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = get("/api/flaky/things/" + i, null);
            assertEquals(200, r.statusCode(), "GET " + i + ": " + r.body());
        }
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = post("/api/flaky/orders", "{\"n\":" + i + "}", "key-" + i);
            assertEquals(200, r.statusCode(), "keyed POST " + i + ": " + r.body());
            assertTrue(r.body().contains("\\\"n\\\":" + i), r.body());
        }
        // Every second request on a pooled connection was dropped, and none of them reached the client.
        assertTrue(StubBackends.FLAKY_DROPPED.get() - dropped >= 4, "drops: " + (StubBackends.FLAKY_DROPPED.get() - dropped));
    }

    /** A POST without an Idempotency-Key may have been applied before the connection broke: never replayed. */
    @Test
    void aDroppedPostWithoutIdempotencyKeyIsABadGatewayNotAReplay() throws Exception {
        int dropped = StubBackends.FLAKY_DROPPED.get();
        int badGateways = 0;
        for (int i = 0; i < 8; i++) {
            String body = "{\"signup\":\"fan-" + i + "\"}";
            HttpResponse<String> r = post("/api/flaky/signup", body, null);
            if (r.statusCode() == 502) {
                badGateways++;
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
                assertEquals("2", r.headers().firstValue("Retry-After").orElse(""));
                assertTrue(StubBackends.FLAKY_ANSWERED_BODIES.stream().noneMatch(body::equals), "replayed: " + body);
            } else {
                assertEquals(200, r.statusCode(), r.body());
            }
        }
        int drops = StubBackends.FLAKY_DROPPED.get() - dropped;
        assertTrue(drops >= 2, "drops: " + drops);
        assertEquals(drops, badGateways);
    }

    /** Regression (fuzz run): oversized requests were a dropped connection or a bare 414 from the HTTP codec. */
    @Test
    void oversizedBodiesAndTargetsAreRefusedAtTheEdgeInProblemJson() throws Exception {
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(base.resolve("/api/open/things"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":\"" + "x".repeat(2 << 20) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode());
        assertEquals("application/problem+json", big.headers().firstValue("Content-Type").orElse(""));
        for (int length : new int[]{6000, 20_000, 60_000}) { // 20 KB once passed the codec's limit: a bare 414
            // HTTP/1.1 request lines, as browsers and load generators send them over plain http
            HttpResponse<String> longTarget = http.send(HttpRequest.newBuilder(base.resolve("/api/open/things?q="
                            + "a".repeat(length))).version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(414, longTarget.statusCode(), "target of " + length);
            assertEquals("application/problem+json", longTarget.headers().firstValue("Content-Type").orElse(""),
                    "target of " + length);
        }
    }

    @Test
    void servesTheUiAndHealth() throws Exception {
        HttpResponse<String> r = get("/", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("티켓"), r.body());
        HttpResponse<String> health = get("/q/health/ready", null);
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("routing-table"), health.body());
    }

    /** The public API's OpenAPI document at /openapi.yaml, as the cluster edge serves it from the chart. */
    @Test
    void servesTheOpenApiDocument() throws Exception {
        HttpResponse<String> r = get("/openapi.yaml", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("openapi: 3.1.0"), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"), r.headers().toString());
    }

    private HttpResponse<String> post(String path, String json, String idempotencyKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI ws(String path) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + path);
    }
}
