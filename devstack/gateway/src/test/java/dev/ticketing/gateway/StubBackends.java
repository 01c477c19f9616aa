package dev.ticketing.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two small HTTP servers standing in for auth-svc's verify endpoint (token "good" ⇒ user u-1, "admin" ⇒ u-2 with
 * role admin, anything else ⇒ 401; the WebSocket route's token from X-Original-URI) and for a backend that echoes
 * what reached it — plus the routing table and web root the gateway under test reads.
 */
public class StubBackends implements QuarkusTestResourceLifecycleManager {

    static final AtomicInteger VERIFY_CALLS = new AtomicInteger();
    private Vertx vertx;
    private Path dir;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            HttpServer verify = listen(this::verify);
            HttpServer backend = listen(this::backend);
            dir = Files.createTempDirectory("gateway-test");
            Path web = Files.createDirectories(dir.resolve("web"));
            Files.writeString(web.resolve("index.html"), "<!doctype html><title>티켓 Tickets</title>");
            Path routes = dir.resolve("routes.yaml");
            Files.writeString(routes, """
                    services:
                      things-svc: %d
                      down-svc: 1
                    routes:
                      - { path: "/api/open/",              match: prefix, service: things-svc, auth: public }
                      - { path: "/api/things/[^/]+/ws",    match: regex,  service: things-svc, auth: user, websocket: true }
                      - { path: "/api/things/[^/]+/peek",  match: regex,  service: things-svc, auth: public }
                      - { path: "/api/things/",            match: prefix, service: things-svc, auth: user }
                      - { path: "/api/down/",              match: prefix, service: down-svc,   auth: public }
                    """.formatted(backend.actualPort()));
            return Map.of(
                    "gateway.routes-file", routes.toString(),
                    "gateway.web-root", web.toString(),
                    "gateway.auth-verify-url", "http://127.0.0.1:" + verify.actualPort() + "/api/auth/verify");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpServer listen(io.vertx.core.Handler<HttpServerRequest> handler) {
        try {
            return vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void verify(HttpServerRequest request) {
        VERIFY_CALLS.incrementAndGet();
        String authorization = request.getHeader("Authorization");
        String original = request.getHeader("X-Original-URI");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7)
                : original != null && original.matches("^/api/things/[^/?]+/ws\\?(.*&)?access_token=[^&]+.*")
                ? original.replaceAll(".*access_token=([^&]+).*", "$1") : null;
        if ("good".equals(token)) {
            request.response().putHeader("X-User-Id", "u-1").putHeader("X-User-Roles", "user").end();
        } else if ("admin".equals(token)) {
            request.response().putHeader("X-User-Id", "u-2").putHeader("X-User-Roles", "admin,user").end();
        } else {
            request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").end();
        }
    }

    private void backend(HttpServerRequest request) {
        if (request.path().endsWith("/ws")) {
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

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
