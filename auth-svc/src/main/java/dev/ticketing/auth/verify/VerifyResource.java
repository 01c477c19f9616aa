package dev.ticketing.auth.verify;

import dev.ticketing.auth.config.AuthConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The ingress's auth-url (ingress-nginx {@code auth-url}, nginx {@code auth_request} in the local gateway): 200 with
 * the caller's identity in headers, or 401. Pure token verification in memory: no database, no blocking, so it
 * runs on the event loop and keeps up with every protected request of an on-sale.
 */
@Path("/api/auth/verify")
public class VerifyResource {

    static final String USER_ID = "X-User-Id";
    static final String USER_ROLES = "X-User-Roles";

    private final JWTParser parser;
    private final Pattern queryTokenPath;
    private final Counter allowed;
    private final Counter denied;

    public VerifyResource(JWTParser parser, AuthConfig config, MeterRegistry metrics) {
        this.parser = parser;
        this.queryTokenPath = Pattern.compile(config.verify().queryTokenPath());
        this.allowed = metrics.counter("ticketing.auth.verify", "outcome", "allowed");
        this.denied = metrics.counter("ticketing.auth.verify", "outcome", "denied");
    }

    @GET
    @NonBlocking
    public Response verify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                           @HeaderParam("X-Original-URI") String originalUri) {
        Optional<String> token = bearer(authorization).or(() -> queryToken(originalUri));
        if (token.isEmpty()) {
            return deny();
        }
        JsonWebToken jwt;
        try {
            // Same checks as every service's smallrye-jwt: RS256 signature by kid, iss, aud, exp.
            jwt = parser.parse(token.get());
        } catch (ParseException e) {
            return deny();
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            return deny();
        }
        allowed.increment();
        return Response.ok()
                .header(USER_ID, jwt.getSubject())
                .header(USER_ROLES, String.join(",", new TreeSet<>(jwt.getGroups())))
                .header("Cache-Control", "no-store")
                .build();
    }

    private Response deny() {
        denied.increment();
        return Response.status(Response.Status.UNAUTHORIZED).header("WWW-Authenticate", "Bearer").build();
    }

    private static Optional<String> bearer(String authorization) {
        if (authorization == null || authorization.length() <= 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(7).strip()).filter(t -> !t.isEmpty());
    }

    /** Only the WebSocket route may carry the token in its query string (browsers cannot set the header there). */
    private Optional<String> queryToken(String originalUri) {
        if (originalUri == null || originalUri.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(originalUri.strip());
            String path = uri.getRawPath();
            // A path with dot segments is not the WebSocket route whatever it looks like.
            if (path == null || !path.equals(uri.normalize().getRawPath())
                    || !queryTokenPath.matcher(path).matches() || uri.getRawQuery() == null) {
                return Optional.empty();
            }
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals("access_token")) {
                    String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    return value.isBlank() ? Optional.empty() : Optional.of(value);
                }
            }
            return Optional.empty();
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
