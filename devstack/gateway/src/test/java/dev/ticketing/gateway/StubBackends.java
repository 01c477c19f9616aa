package dev.ticketing.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two small HTTP servers standing in for auth-svc's verify endpoint (token "good" ⇒ user u-1, "admin" ⇒ u-2 with
 * role admin, anything else ⇒ 401; on the WebSocket route only, the token may come from the Sec-WebSocket-Protocol
 * carrier {@code quarkus-http-upgrade#Authorization#Bearer <token>}, never from the URL) and for a backend that echoes
 * what reached it and, like queue-svc, selects the {@code bearer-token-carrier} subprotocol — plus the routing table
 * and web root the gateway under test reads.
 */
public class StubBackends implements QuarkusTestResourceLifecycleManager {

    static final AtomicInteger VERIFY_CALLS = new AtomicInteger();
    static final String CARRIER_PROTOCOL = "bearer-token-carrier";
    /** The Sec-WebSocket-Protocol header lines the last verify call and the last WebSocket upgrade received. */
    static final AtomicReference<List<String>> VERIFY_SAW_PROTOCOLS = new AtomicReference<>(List.of());
    static final AtomicReference<List<String>> BACKEND_SAW_PROTOCOLS = new AtomicReference<>(List.of());
    static final AtomicReference<String> BACKEND_SAW_WS_URI = new AtomicReference<>();
    /** Requests the flaky backend dropped (connection closed, no answer) and requests it answered, with their bodies. */
    static final AtomicInteger FLAKY_DROPPED = new AtomicInteger();
    static final java.util.Queue<String> FLAKY_ANSWERED_BODIES = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Map<io.vertx.core.http.HttpConnection, AtomicInteger> flakyRequestsPerConnection =
            new java.util.concurrent.ConcurrentHashMap<>();
    private Vertx vertx;
    private Path dir;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            HttpServer verify = listen(new HttpServerOptions(), this::verify);
            // queue-svc's quarkus.websockets-next.server.supported-subprotocols
            HttpServer backend = listen(new HttpServerOptions().setWebSocketSubProtocols(List.of(CARRIER_PROTOCOL)),
                    this::backend);
            HttpServer flaky = listen(new HttpServerOptions(), this::flaky);
            dir = Files.createTempDirectory("gateway-test");
            Path web = Files.createDirectories(dir.resolve("web"));
            Files.writeString(web.resolve("index.html"), "<!doctype html><title>티켓 Tickets</title>");
            Files.writeString(dir.resolve("openapi.yaml"), "openapi: 3.1.0\ninfo: {title: Ticketing public API}\n");
            Path routes = dir.resolve("routes.yaml");
            Files.writeString(routes, """
                    services:
                      things-svc: %d
                      down-svc: 1
                      flaky-svc: %d
                    routes:
                      - { path: "/api/open/",              match: prefix, service: things-svc, auth: public }
                      - { path: "/api/things/[^/]+/ws",    match: regex,  service: things-svc, auth: user, websocket: true }
                      - { path: "/api/things/[^/]+/peek",  match: regex,  service: things-svc, auth: public }
                      - { path: "/api/things/",            match: prefix, service: things-svc, auth: user }
                      - { path: "/api/down/",              match: prefix, service: down-svc,   auth: public }
                      - { path: "/api/flaky/",             match: prefix, service: flaky-svc,  auth: public }
                    """.formatted(backend.actualPort(), flaky.actualPort()));
            return Map.of(
                    "gateway.routes-file", routes.toString(),
                    "gateway.web-root", web.toString(),
                    "gateway.openapi-file", dir.resolve("openapi.yaml").toString(),
                    "gateway.auth-verify-url", "http://127.0.0.1:" + verify.actualPort() + "/api/auth/verify");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpServer listen(HttpServerOptions options, io.vertx.core.Handler<HttpServerRequest> handler) {
        try {
            return vertx.createHttpServer(options).requestHandler(handler).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void verify(HttpServerRequest request) {
        VERIFY_CALLS.incrementAndGet();
        List<String> protocols = request.headers().getAll("Sec-WebSocket-Protocol");
        VERIFY_SAW_PROTOCOLS.set(protocols);
        String authorization = request.getHeader("Authorization");
        String original = request.getHeader("X-Original-URI");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7)
                : original != null && original.matches("^/api/things/[^/?]+/ws(\\?.*)?") ? carried(protocols) : null;
        if ("good".equals(token)) {
            request.response().putHeader("X-User-Id", "u-1").putHeader("X-User-Roles", "user").end();
        } else if ("admin".equals(token)) {
            request.response().putHeader("X-User-Id", "u-2").putHeader("X-User-Roles", "admin,user").end();
        } else {
            request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").end();
        }
    }

    /** The simplified auth-svc rule: the one quarkus-http-upgrade entry, URL-decoded, naming Authorization. */
    private static String carried(List<String> protocols) {
        for (String line : protocols) {
            for (String entry : line.split(",")) {
                entry = entry.trim();
                if (entry.startsWith("quarkus-http-upgrade")) {
                    String[] parts = URLDecoder.decode(entry, StandardCharsets.UTF_8).split("#", -1);
                    return parts.length == 3 && parts[1].equalsIgnoreCase("Authorization")
                            && parts[2].startsWith("Bearer ") ? parts[2].substring(7) : null;
                }
            }
        }
        return null;
    }

    private void backend(HttpServerRequest request) {
        if (request.path().endsWith("/ws")) {
            BACKEND_SAW_PROTOCOLS.set(request.headers().getAll("Sec-WebSocket-Protocol"));
            BACKEND_SAW_WS_URI.set(request.uri());
            request.toWebSocket().onSuccess(ws -> ws.textMessageHandler(text ->
                    ws.writeTextMessage("echo " + text + " for " + request.getHeader("X-User-Id"))));
            return;
        }
        request.body().onSuccess(body -> request.response()
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject()
                        .put("method", request.method().name())
                        .put("uri", request.uri())
                        .put("userId", request.getHeader("X-User-Id"))
                        .put("roles", request.getHeader("X-User-Roles"))
                        .put("authorization", request.getHeader("Authorization"))
                        .put("forwardedFor", request.getHeader("X-Forwarded-For"))
                        .put("body", body.toString())
                        .encode()));
    }

    /**
     * A backend that drops every second request of a keep-alive connection: it closes the connection as the request
     * arrives, without an answer — what a backend closing a pooled connection looks like to the proxy.
     */
    private void flaky(HttpServerRequest request) {
        int nth = flakyRequestsPerConnection.computeIfAbsent(request.connection(), c -> {
            c.closeHandler(v -> flakyRequestsPerConnection.remove(c));
            return new AtomicInteger();
        }).incrementAndGet();
        if (nth == 2) {
            FLAKY_DROPPED.incrementAndGet();
            request.connection().close();
            return;
        }
        request.body().onSuccess(body -> {
            FLAKY_ANSWERED_BODIES.add(body.toString());
            request.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("method", request.method().name()).put("body", body.toString()).encode());
        });
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
