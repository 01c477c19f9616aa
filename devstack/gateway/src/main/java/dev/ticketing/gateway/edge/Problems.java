package dev.ticketing.gateway.edge;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Errors the edge itself answers, in the platform's application/problem+json shape (docs/architecture.md). */
final class Problems {

    private Problems() {
    }

    static String json(int status, String title, String detail) {
        return new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .encode();
    }

    static void send(HttpServerResponse response, int status, String title, String detail) {
        if (response.ended() || response.headWritten()) {
            return;
        }
        String body = json(status, title, detail);
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .putHeader("Cache-Control", "no-store");
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.end(body);
    }
}
