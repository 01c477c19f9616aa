package dev.ticketing.auth.verify;

import dev.ticketing.auth.config.AuthConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The edge's external auth (Gateway API ExternalAuth, Envoy Gateway extAuth, ingress-nginx {@code auth-url}, nginx
 * {@code auth_request} in the local gateway): 200 with
 * the caller's identity in headers, or 401. Pure token verification in memory: no database, no blocking, so it
 * runs on the event loop and keeps up with every protected request of an on-sale.
 *
 * <p>The token comes from {@code Authorization: Bearer}, or — for the WebSocket route only, since browsers cannot set
 * headers on a WebSocket — from the original request's {@code Sec-WebSocket-Protocol} header, the Quarkus
 * websockets-next carrier: the client offers {@code bearer-token-carrier} and the URL-encoded
 * {@code quarkus-http-upgrade#Authorization#Bearer <token>}, which queue-svc turns into an Authorization header.
 * The edge forwards the original request headers to this endpoint (ingress-nginx auth-url, Envoy ext_authz, the
 * local gateway). A token in the URL ({@code ?access_token=}) is no longer read: it would land in access logs.
 */
@Path("/api/auth/verify")
public class VerifyResource {

    static final String USER_ID = "X-User-Id";
    static final String USER_ROLES = "X-User-Roles";
    static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
    /** The websockets-next prefix of a subprotocol entry that carries a handshake header. */
    static final String HEADER_CARRIER = "quarkus-http-upgrade";

    private final JWTParser parser;
    private final Pattern webSocketPath;
    private final Counter allowed;
    private final Counter denied;

    public VerifyResource(JWTParser parser, AuthConfig config, MeterRegistry metrics) {
        this.parser = parser;
        this.webSocketPath = Pattern.compile(config.verify().websocketPath());
        this.allowed = metrics.counter("ticketing.auth.verify", "outcome", "allowed");
        this.denied = metrics.counter("ticketing.auth.verify", "outcome", "denied");
    }

    @GET
    @NonBlocking
    public Response verify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                           @HeaderParam("X-Original-URI") String originalUri,
                           @Context HttpHeaders headers) {
        return check(authorization, originalUri, headers);
    }

    /*
     * Gateway API's HTTPRoute ExternalAuth filter and Envoy Gateway's extAuth keep the request's method and append its
     * path to the verify path (GET /api/auth/verify/api/queues/p/ws, POST /api/auth/verify/api/orders), without a
     * body and without X-Original-URI: the path after /api/auth/verify is the original path. One method per verb
     * (JAX-RS has no "any method"), all the same check.
     */

    @GET
    @Path("/{original: .+}")
    @NonBlocking
    public Response verifyGet(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                              @Encoded @PathParam("original") String original, @Context HttpHeaders headers) {
        return check(authorization, "/" + original, headers);
    }

    @POST
    @Path("/{original: .+}")
    @NonBlocking
    public Response verifyPost(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                               @Encoded @PathParam("original") String original, @Context HttpHeaders headers) {
        return check(authorization, "/" + original, headers);
    }

    @PUT
    @Path("/{original: .+}")
    @NonBlocking
    public Response verifyPut(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                              @Encoded @PathParam("original") String original, @Context HttpHeaders headers) {
        return check(authorization, "/" + original, headers);
    }

    @DELETE
    @Path("/{original: .+}")
    @NonBlocking
    public Response verifyDelete(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                 @Encoded @PathParam("original") String original, @Context HttpHeaders headers) {
        return check(authorization, "/" + original, headers);
    }

    @PATCH
    @Path("/{original: .+}")
    @NonBlocking
    public Response verifyPatch(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                @Encoded @PathParam("original") String original, @Context HttpHeaders headers) {
        return check(authorization, "/" + original, headers);
    }

    @HEAD
    @Path("/{original: .+}")
    @NonBlocking
    public Response verifyHead(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                               @Encoded @PathParam("original") String original, @Context HttpHeaders headers) {
        return check(authorization, "/" + original, headers);
    }

    @OPTIONS
    @Path("/{original: .+}")
    @NonBlocking
    public Response verifyOptions(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                  @Encoded @PathParam("original") String original, @Context HttpHeaders headers) {
        return check(authorization, "/" + original, headers);
    }

    private Response check(String authorization, String originalUri, HttpHeaders headers) {
        Optional<String> token = bearer(authorization)
                .or(() -> subprotocolToken(headers.getRequestHeader(SEC_WEBSOCKET_PROTOCOL), originalUri));
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

    /**
     * The access token from the WebSocket subprotocol carrier, only on the WebSocket route. Exactly one
     * {@code quarkus-http-upgrade#Authorization#Bearer <token>} entry must be there; a malformed carrier entry (bad
     * percent-encoding, not three {@code #}-separated parts) or a second Authorization carrier refuses the request,
     * as does anything that is not the WebSocket route. Carriers of other headers are not credentials and are
     * ignored.
     */
    private Optional<String> subprotocolToken(List<String> protocolHeaders, String originalUri) {
        if (protocolHeaders == null || protocolHeaders.isEmpty() || !isWebSocketRoute(originalUri)) {
            return Optional.empty();
        }
        String token = null;
        for (String line : protocolHeaders) {
            if (line == null) {
                continue;
            }
            for (String entry : line.split(",")) {
                entry = entry.trim();
                if (!entry.startsWith(HEADER_CARRIER)) {
                    continue;
                }
                String decoded;
                try {
                    decoded = URLDecoder.decode(entry, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return Optional.empty();
                }
                // split(.., -1) keeps empty trailing parts: "quarkus-http-upgrade#Authorization#" is malformed.
                String[] parts = decoded.split("#", -1);
                if (parts.length != 3 || !parts[0].equals(HEADER_CARRIER) || parts[1].isBlank()) {
                    return Optional.empty();
                }
                if (!parts[1].strip().equalsIgnoreCase(HttpHeaders.AUTHORIZATION)) {
                    continue;
                }
                Optional<String> carried = bearer(parts[2].strip());
                if (carried.isEmpty() || token != null) {
                    return Optional.empty();    // not a bearer token, or two of them: which one is the caller?
                }
                token = carried.get();
            }
        }
        return Optional.ofNullable(token);
    }

    /** Whether the original request went to the WebSocket route (whole path, no dot segments). */
    private boolean isWebSocketRoute(String originalUri) {
        if (originalUri == null || originalUri.isBlank()) {
            return false;
        }
        try {
            URI uri = URI.create(originalUri.strip());
            String path = uri.getRawPath();
            // A path with dot segments is not the WebSocket route whatever it looks like.
            return path != null && path.equals(uri.normalize().getRawPath()) && webSocketPath.matcher(path).matches();
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
