package dev.ticketing.queue.ws;

import dev.ticketing.queue.room.RoomId;
import dev.ticketing.queue.room.Rooms;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Map;

/**
 * Browsers cannot put an Authorization header on a WebSocket, so the access token rides in the subprotocol list, the
 * websockets-next convention: {@code Sec-WebSocket-Protocol: bearer-token-carrier,
 * quarkus-http-upgrade%23Authorization%23Bearer%20<token>}. Quarkus turns the second entry into an Authorization
 * header before this check and answers with {@code bearer-token-carrier} (application.properties). The token never
 * appears in a URL, so no access log on the way records it. It is verified like any other (signature against
 * auth-svc's JWKS, iss, aud, exp; a token seen before comes from the verified-token cache) before the upgrade; a
 * missing or invalid token never gets a socket. No blocking call: the room check is a reactive Redis read.
 */
@ApplicationScoped
public class AccessTokenUpgradeCheck implements HttpUpgradeCheck {

    private static final Map<String, List<String>> CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer"));

    private final JWTParser parser;
    private final Rooms rooms;

    public AccessTokenUpgradeCheck(JWTParser parser, Rooms rooms) {
        this.parser = parser;
        this.rooms = rooms;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext ctx) {
        String performanceId = ctx.pathParam("performanceId");
        String ticket = ctx.httpRequest().getParam("ticket");
        if (!RoomId.isValid(performanceId)) {
            return CheckResult.rejectUpgrade(400);
        }
        String token = bearer(ctx.httpRequest().getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        String userId;
        try {
            JsonWebToken jwt = parser.parse(token);
            userId = jwt.getSubject();
        } catch (ParseException e) {
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        if (userId == null || userId.isBlank()) {
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        return rooms.existsAsync(performanceId).map(exists -> {
            if (!exists) {
                return CheckResult.rejectUpgradeSync(404);
            }
            ctx.userData().put(WaitingRoomSockets.USER, userId);
            if (ticket != null && !ticket.isBlank()) {
                ctx.userData().put(WaitingRoomSockets.TICKET, ticket);
            }
            return CheckResult.permitUpgradeSync();
        }).onFailure().recoverWithItem(e -> CheckResult.rejectUpgradeSync(503, RETRY));
    }

    private static final Map<String, List<String>> RETRY = Map.of("Retry-After", List.of("2"));

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}
