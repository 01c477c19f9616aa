package dev.ticketing.gateway.auth;

import dev.ticketing.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The ingress's auth-url subrequest, done the way ingress-nginx does it: GET the verify endpoint with the original
 * Authorization and {@code Sec-WebSocket-Protocol} headers, the original URI in {@code X-Original-URI} and the method
 * in {@code X-Original-Method}. A browser cannot set Authorization on a WebSocket, so the waiting-room socket carries
 * its token as a subprotocol entry ({@code bearer-token-carrier, quarkus-http-upgrade%23Authorization%23Bearer%20...});
 * auth-svc reads it from there, on the WebSocket route only. No token is ever taken from the URL (the old
 * {@code access_token} query parameter is gone: URLs end up in access logs). No body is forwarded, and nothing is
 * cached: a revoked or expired token stops at the next request.
 */
@ApplicationScoped
public class AuthCheck {

    public static final String USER_ID = "X-User-Id";
    public static final String USER_ROLES = "X-User-Roles";
    static final String ORIGINAL_URI = "X-Original-URI";
    static final String ORIGINAL_METHOD = "X-Original-Method";
    public static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
    private static final long TIMEOUT_MS = 5_000;

    private final HttpClient client;
    private final String verifyUrl;

    public AuthCheck(Vertx vertx, GatewayConfig config) {
        // Every protected request of an on-sale's burst asks auth-svc first: 64 connections made them wait (5 s
        // timeouts to a connection at 10,000 fans).
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(256).setKeepAlive(true));
        this.verifyUrl = config.authVerifyUrl();
    }

    /** Fails (rather than denies) when auth-svc cannot be asked: the caller answers 503, not 401. */
    public Future<Verdict> verify(String authorization, List<String> webSocketProtocols, String originalMethod,
                                  String originalUri) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(verifyUrl)
                .setTimeout(TIMEOUT_MS)
                .putHeader(ORIGINAL_URI, originalUri)
                .putHeader(ORIGINAL_METHOD, originalMethod);
        if (authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        // Every header line as the client sent it: verify applies the same parsing as queue-svc.
        for (String protocols : webSocketProtocols) {
            options.addHeader(SEC_WEBSOCKET_PROTOCOL, protocols);
        }
        return client.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(ignored -> {
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        String userId = response.getHeader(USER_ID);
                        return userId == null || userId.isBlank()
                                ? new Verdict.Denied(401)
                                : new Verdict.Allowed(userId, response.getHeader(USER_ROLES));
                    }
                    if (status == 401 || status == 403) {
                        return new Verdict.Denied(status);
                    }
                    throw new IllegalStateException("verify answered HTTP " + status);
                }));
    }
}
