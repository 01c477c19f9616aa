package dev.ticketing.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.queue.room.RoomKeys;
import dev.ticketing.queue.room.Rooms;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.enter;
import static dev.ticketing.queue.QueueTestSupport.leave;
import static dev.ticketing.queue.QueueTestSupport.me;
import static dev.ticketing.queue.QueueTestSupport.newPerformanceId;
import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;
import static dev.ticketing.queue.QueueTestSupport.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live position over WebSocket, authenticated by the access token in the subprotocol list (never in the URL);
 * admission token on admission.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class WebSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URI base;

    @Inject
    Rooms rooms;

    @Inject
    RedisDataSource redis;

    /** A browser-like client: collects every text message. */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode m = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no message within 10 s");
            return m;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }

    private URI wsUri(String performanceId, String ticket) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/api/queues/" + performanceId + "/ws"
                + (ticket == null ? "" : "?ticket=" + ticket));
    }

    /** The websockets-next carrier: the access token rides in the subprotocol list, never in the URL. */
    static WebSocket.Builder carrying(String accessToken) {
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        if (accessToken != null) {
            b.subprotocols("bearer-token-carrier",
                    URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + accessToken, StandardCharsets.UTF_8));
        }
        return b;
    }

    private Client connect(String performanceId, String userId, String ticket) {
        Client c = new Client();
        c.socket = carrying(token(userId)).buildAsync(wsUri(performanceId, ticket), c).join();
        assertEquals("bearer-token-carrier", c.socket.getSubprotocol(), "the server picks the carrier protocol");
        return c;
    }

    private int refusedWith(String accessToken, URI uri) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> carrying(accessToken).buildAsync(uri, new Client()).get(30, TimeUnit.SECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        return handshake.getResponse().statusCode();
    }

    @Test
    void positionsCountDownThenAdmittedWithATokenThatVerifies() throws Exception {
        String room = openRoom(rooms, 1, 600, 100);
        String holder = newUser();
        String a = newUser();
        String b = newUser();
        String watcher = newUser();
        enter(room, holder).body("status", equalTo("ADMITTED"));
        enter(room, a).body("position", equalTo(1));
        enter(room, b).body("position", equalTo(2));

        Client ws = connect(room, watcher, null);
        JsonNode first = ws.next();
        assertEquals("WAITING", first.get("status").asText());
        assertEquals(3, first.get("position").asInt());
        assertEquals(2, first.get("ahead").asInt());
        assertTrue(first.has("estimatedWaitSeconds"));
        assertTrue(first.hasNonNull("ticket"));
        long sentAt = first.get("sentAt").asLong();
        assertTrue(Math.abs(System.currentTimeMillis() - sentAt) < 10_000, "sentAt is the server's epoch ms: " + sentAt);

        // Nothing changes for 3 s: updates keep coming anyway (every 500 ms in tests, 1 s by default).
        long until = System.currentTimeMillis() + 3000;
        int updates = 0;
        while (System.currentTimeMillis() < until) {
            JsonNode m = ws.messages.poll(until - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
            if (m != null) {
                updates++;
                assertEquals(3, m.get("position").asInt());
                assertTrue(m.get("sentAt").asLong() >= sentAt, "every frame carries sentAt");
            }
        }
        assertTrue(updates >= 2, "expected >= 2 updates in 3 s, got " + updates);

        List<Integer> positions = new ArrayList<>();
        positions.add(3);
        for (String gone : List.of(holder, a, b)) {
            leave(room, gone);
        }
        JsonNode m;
        do {
            m = ws.next();
            if (m.get("status").asText().equals("WAITING")) {
                positions.add(m.get("position").asInt());
            }
        } while (!m.get("status").asText().equals("ADMITTED"));
        for (int i = 1; i < positions.size(); i++) {
            assertTrue(positions.get(i) <= positions.get(i - 1), "positions never go up: " + positions);
        }

        String admission = m.get("admissionToken").asText();
        String jwks = given().get("/api/queues/.well-known/jwks.json").then().statusCode(200).extract().asString();
        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer("ticketing-queue")
                .setExpectedAudience(room)
                .setRequireExpirationTime()
                .setRequireJwtId()
                .build().processToClaims(admission);
        assertEquals(watcher, claims.getSubject());
        assertEquals(redis.hash(String.class).hget(new RoomKeys(room).sessions(), watcher), claims.getClaimValue("sid"),
                "the token names the live session booking-svc checks");
        double sessionEnd = redis.sortedSet(String.class).zscore(new RoomKeys(room).active(), watcher).orElseThrow();
        assertEquals((long) sessionEnd / 1000, claims.getExpirationTime().getValue(), "exp = end of the active session");
        assertTrue(claims.getExpirationTime().getValue() > System.currentTimeMillis() / 1000 + 500);

        // Signed by queue-svc, for this performance only: another audience fails verification.
        assertThrows(InvalidJwtException.class, () -> new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer("ticketing-queue").setExpectedAudience("another-performance")
                .build().processToClaims(admission));

        // Leaving ends the session and the socket is told so.
        leave(room, watcher);
        assertEquals(4404, ws.closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void missingInvalidOrForgedTokensAreRefused() {
        String room = openRoom(rooms, 1, 600, 100);
        URI uri = wsUri(room, null);
        assertEquals(401, refusedWith(null, uri));
        assertEquals(401, refusedWith("garbage", uri));
        String forged = JwtTestResource.claims(newUser()).jws().keyId(JwtTestResource.KID).sign(JwtTestResource.foreignKey());
        assertEquals(401, refusedWith(forged, uri));
        long now = System.currentTimeMillis() / 1000;
        String expired = JwtTestResource.sign(JwtTestResource.claims(newUser()).issuedAt(now - 4000).expiresAt(now - 3600));
        assertEquals(401, refusedWith(expired, uri));
        String otherIssuer = JwtTestResource.sign(JwtTestResource.claims(newUser()).issuer("https://evil.example"));
        assertEquals(401, refusedWith(otherIssuer, uri));
        assertEquals(404, refusedWith(token(newUser()), wsUri(newPerformanceId(), null)));
        // The retired query form is not read any more: a valid token in the URL alone gets no socket.
        URI inUrl = URI.create(uri + "?access_token=" + URLEncoder.encode(token(newUser()), StandardCharsets.UTF_8));
        assertEquals(401, refusedWith(null, inUrl));
        assertEquals(0, redis.sortedSet(String.class).zcard(new RoomKeys(room).waiting()), "refused sockets never entered");
    }

    /** A waiting fan's socket says SOLD_OUT (with the kept place) as soon as the room learns it, and WAITING again after. */
    @Test
    void aWaitingSocketIsToldTheSaleIsSoldOut() throws Exception {
        String room = openRoom(rooms, 1, 600, 100);
        enter(room, newUser()).body("status", equalTo("ADMITTED"));
        String fan = newUser();
        Client ws = connect(room, fan, null);
        assertEquals("WAITING", ws.next().get("status").asText());

        rooms.applyAvailabilityEvent(java.util.UUID.randomUUID().toString(), room, true);
        JsonNode m = ws.next();
        while (!"SOLD_OUT".equals(m.get("status").asText())) {
            m = ws.next();
        }
        assertEquals(1, m.get("position").asInt());

        rooms.applyAvailabilityEvent(java.util.UUID.randomUUID().toString(), room, false);
        m = ws.next();
        while ("SOLD_OUT".equals(m.get("status").asText())) {
            m = ws.next();
        }
        assertEquals("WAITING", m.get("status").asText());
        ws.close();
    }

    @Test
    void reconnectWithTicketKeepsThePlaceWithoutItGoesToTheBack() throws Exception {
        String room = openRoom(rooms, 1, 600, 100);
        enter(room, newUser()).body("status", equalTo("ADMITTED"));
        String user = newUser();
        String ticket = enter(room, user).body("position", equalTo(1)).extract().path("ticket");
        enter(room, newUser()).body("position", equalTo(2));

        // A network blip: the socket drops and comes back with its ticket, inside the grace period.
        Client first = connect(room, user, ticket);
        assertEquals(1, first.next().get("position").asInt());
        first.close();
        Thread.sleep(1000);
        Client second = connect(room, user, ticket);
        JsonNode kept = second.next();
        assertEquals(1, kept.get("position").asInt());
        assertEquals(ticket, kept.get("ticket").asText());

        // A second tab of the same user: still one place.
        Client tab = connect(room, user, ticket);
        assertEquals(1, tab.next().get("position").asInt());
        assertEquals(2, redis.sortedSet(String.class).zcard(new RoomKeys(room).waiting()));
        tab.close();
        second.close();

        // Without the ticket (a new page), the user goes to the back of the line.
        Client fresh = connect(room, user, null);
        JsonNode back = fresh.next();
        assertEquals(2, back.get("position").asInt());
        String newTicket = back.get("ticket").asText();
        fresh.close();

        // Gone longer than the grace period (3 s in tests): the place is lost, the old ticket no longer works.
        Thread.sleep(4500);
        me(room, user).statusCode(404);
        Client late = connect(room, user, newTicket);
        assertEquals(2, late.next().get("position").asInt(), "back of the line again");
        late.close();
    }

    /**
     * A phone that lost its network without closing the socket (half-open): it answers no ping, so after the silence
     * limit (3 s in tests) the server drops the socket and the grace period (3 s) starts — the place goes, instead of
     * being kept until TCP gives up minutes later. A client that answers pings keeps its place meanwhile.
     */
    @Test
    void aSocketThatAnswersNoPingLosesItsPlaceAfterTheGracePeriod() throws Exception {
        String room = openRoom(rooms, 1, 600, 100);
        enter(room, newUser()).body("status", equalTo("ADMITTED"));
        String silent = newUser();
        String ticket = enter(room, silent).body("position", equalTo(1)).extract().path("ticket");
        String alive = newUser();
        String aliveTicket = enter(room, alive).body("position", equalTo(2)).extract().path("ticket");
        Client answering = connect(room, alive, aliveTicket); // the JDK client answers pings like a browser

        try (java.net.Socket raw = new java.net.Socket(base.getHost(), base.getPort())) {
            String key = java.util.Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 16)
                    .getBytes(StandardCharsets.US_ASCII));
            String carrier = URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token(silent),
                    StandardCharsets.UTF_8);
            String handshake = "GET /api/queues/" + room + "/ws?ticket=" + ticket + " HTTP/1.1\r\n"
                    + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\n"
                    + "Sec-WebSocket-Protocol: bearer-token-carrier, " + carrier + "\r\n\r\n";
            raw.getOutputStream().write(handshake.getBytes(StandardCharsets.US_ASCII));
            raw.getOutputStream().flush();
            byte[] head = new byte[12];
            int n = raw.getInputStream().readNBytes(head, 0, head.length);
            assertEquals("HTTP/1.1 101", new String(head, 0, n, StandardCharsets.US_ASCII), "upgraded");
            // From here on this client reads nothing and answers nothing, like a phone in a tunnel.
            await("the silent socket's place is lost", Duration.ofSeconds(20),
                    () -> me(room, silent).extract().statusCode() == 404);
        }
        me(room, alive).statusCode(200).body("position", equalTo(1));
        answering.close();
    }
}
