package dev.ticketing.gateway.edge;

import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * One more try, on a new connection, for a request whose backend connection failed before any answer — only when a
 * replay cannot apply it twice (RFC 9110 §9.2.2): the connection was never established, so nothing was sent; or the
 * method is idempotent; or the client made the request idempotent with an {@code Idempotency-Key} (booking-svc's
 * orders honour it). A POST whose connection broke after it may have been written is not replayed, as nginx
 * ({@code proxy_next_upstream}, non_idempotent off) and Envoy (reset-before-request) do not: it gets 502 + Retry-After.
 * That the backend closes an idle connection as a request is written into it is prevented at the source instead:
 * the gateway's own keep-alive is shorter than the backends' idle timeout ({@code gateway.upstream-keep-alive}).
 *
 * <p>The body is buffered (it is at most {@code gateway.max-body-bytes}; the API's bodies are small JSON) so that the
 * second try can send it again.
 */
final class Replay implements ProxyInterceptor {

    /** Context attribute: the next origin request goes through a connection opened for it alone. */
    static final String FRESH_CONNECTION = "gateway.fresh-connection";

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

    private final String service;
    private final long maxBodyBytes;

    Replay(String service, long maxBodyBytes) {
        this.service = service;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        return buffer(context.request())
                .compose(v -> context.sendRequest())
                .recover(err -> {
                    if (err instanceof TooLarge) {
                        return Future.succeededFuture(problem(context, 413, "Content Too Large",
                                "The request body is larger than " + maxBodyBytes + " bytes.")
                                .putHeader(HttpHeaders.CONNECTION, "close"));
                    }
                    if (!replayable(context.request().proxiedRequest(), err)) {
                        return Future.failedFuture(err);
                    }
                    Log.infof("%s: %s %s failed before an answer (%s); sent again on a new connection", service,
                            context.request().getMethod(), context.request().getURI(), err.toString());
                    context.set(FRESH_CONNECTION, Boolean.TRUE);
                    return context.sendRequest();
                })
                // A backend that is down or restarting answers like the rest of the platform, not with an empty
                // 502: clients see problem+json and Retry-After, and come again.
                .recover(err -> {
                    Log.warnf("%s: %s %s got no answer: %s", service, context.request().getMethod(),
                            context.request().getURI(), err.toString());
                    return Future.succeededFuture(problem(context, 502, "Bad Gateway",
                            service + " is not answering; try again shortly.").putHeader("Retry-After", "2"));
                });
    }

    /** Whether a second try is safe and may help: see the class comment. Timeouts are not retried (a slow backend). */
    static boolean replayable(HttpServerRequest request, Throwable err) {
        if (err instanceof java.net.ConnectException) {
            return true;   // includes Netty's connect timeout: no connection, nothing sent
        }
        boolean brokenConnection = err instanceof IOException
                || (err instanceof VertxException && String.valueOf(err.getMessage()).toLowerCase(Locale.ROOT).contains("closed"));
        return brokenConnection && (IDEMPOTENT.contains(request.method())
                || request.headers().contains("Idempotency-Key"));
    }

    /** Reads the body into memory (bounded) and makes it the proxied body, so it can be sent twice. */
    private Future<Void> buffer(ProxyRequest request) {
        HttpServerRequest incoming = request.proxiedRequest();
        String length = incoming.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean chunked = incoming.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true);
        if (!chunked && (length == null || "0".equals(length))) {
            request.setBody(null);   // sent as an empty body, on every try
            return Future.succeededFuture();
        }
        ReadStream<Buffer> stream = request.getBody().stream();
        Promise<Void> done = Promise.promise();
        Buffer body = Buffer.buffer();
        stream.exceptionHandler(done::tryFail);
        stream.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodyBytes) {
                done.tryFail(new TooLarge());
            } else {
                body.appendBuffer(chunk);
            }
        });
        stream.endHandler(v -> {
            request.setBody(Body.body(body));
            done.tryComplete();
        });
        stream.resume();
        return done.future();
    }

    private static ProxyResponse problem(ProxyContext context, int status, String title, String detail) {
        return context.request().response().setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .putHeader("Cache-Control", "no-store")
                .setBody(Body.body(Buffer.buffer(Problems.json(status, title, detail))));
    }

    /** A chunked body past the edge's limit (a declared Content-Length over it is refused before this). */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("body over the edge's limit", null, false, false);
        }
    }
}
