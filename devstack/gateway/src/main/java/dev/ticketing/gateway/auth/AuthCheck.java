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

/**
 * The ingress's auth-url subrequest, done the way ingress-nginx does it: GET the verify endpoint with the original
 * Authorization header and the original URI in {@code X-Original-URI} (which is how the WebSocket route's
 * {@code access_token} query parameter reaches auth-svc). No body is forwarded, and nothing is cached: a revoked or
 * expired token stops at the next request.
 */
@ApplicationScoped
public class AuthCheck {

    public static final String USER_ID = "X-User-Id";
    public static final String USER_ROLES = "X-User-Roles";
    static final String ORIGINAL_URI = "X-Original-URI";
    static final String ORIGINAL_METHOD = "X-Original-Method";
    private static final long TIMEOUT_MS = 5_000;

    private final HttpClient client;
    private final String verifyUrl;

    public AuthCheck(Vertx vertx, GatewayConfig config) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64).setKeepAlive(true));
        this.verifyUrl = config.authVerifyUrl();
    }

    /** Fails (rather than denies) when auth-svc cannot be asked: the caller answers 503, not 401. */
    public Future<Verdict> verify(String authorization, String originalMethod, String originalUri) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(verifyUrl)
                .setTimeout(TIMEOUT_MS)
                .putHeader(ORIGINAL_URI, originalUri)
                .putHeader(ORIGINAL_METHOD, originalMethod);
        if (authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
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
