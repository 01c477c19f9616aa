package dev.ticketing.queue.ws;

import dev.ticketing.queue.room.RoomId;
import dev.ticketing.queue.room.Rooms;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Map;

/**
 * Browsers cannot put an Authorization header on a WebSocket, so the access token arrives as the {@code access_token}
 * query parameter. It is verified like any other (signature against auth-svc's JWKS, iss, aud, exp) before the
 * upgrade; a missing or invalid token never gets a socket.
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
        String token = ctx.httpRequest().getParam("access_token");
        String ticket = ctx.httpRequest().getParam("ticket");
        if (!RoomId.isValid(performanceId)) {
            return CheckResult.rejectUpgrade(400);
        }
        if (token == null || token.isBlank()) {
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        // Off the event loop: the parser may fetch the JWKS, and the room check is a Redis call.
        return Uni.createFrom().item(() -> {
            String userId;
            try {
                JsonWebToken jwt = parser.parse(token);
                userId = jwt.getSubject();
            } catch (ParseException e) {
                return CheckResult.rejectUpgradeSync(401, CHALLENGE);
            }
            if (userId == null || userId.isBlank()) {
                return CheckResult.rejectUpgradeSync(401, CHALLENGE);
            }
            if (!rooms.exists(performanceId)) {
                return CheckResult.rejectUpgradeSync(404);
            }
            ctx.userData().put(WaitingRoomSockets.USER, userId);
            if (ticket != null && !ticket.isBlank()) {
                ctx.userData().put(WaitingRoomSockets.TICKET, ticket);
            }
            return CheckResult.permitUpgradeSync();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
