package dev.ticketing.queue.ws;

import dev.ticketing.queue.admission.AdmissionTokens;
import dev.ticketing.queue.waitingroom.EntryStatus;
import dev.ticketing.queue.waitingroom.Place;
import dev.ticketing.queue.waitingroom.QueueMetrics;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets of this pod, by room. Once a second (and right after an admission) each room's positions are read for
 * all its local users in ONE Redis round trip (lua/positions.lua) and pushed to every socket: the Redis load grows
 * with rooms x pods, not with sockets.
 */
@ApplicationScoped
public class WaitingRoomSockets {

    static final TypedKey<String> USER = TypedKey.forString("queue.user");
    static final TypedKey<String> TICKET = TypedKey.forString("queue.ticket");
    /** Admission token already sent on this socket, with the session expiry it was made for. */
    private static final TypedKey<String> TOKEN = TypedKey.forString("queue.token");
    private static final TypedKey<Long> TOKEN_EXPIRY = TypedKey.forLong("queue.token.expiry");
    static final int NOT_IN_ROOM = 4404;

    private final Map<String, Map<String, WebSocketConnection>> rooms = new ConcurrentHashMap<>();
    private final WaitingRoom room;
    private final AdmissionTokens tokens;
    private final QueueMetrics metrics;

    public WaitingRoomSockets(WaitingRoom room, AdmissionTokens tokens, QueueMetrics metrics) {
        this.room = room;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    void opened(String performanceId, WebSocketConnection connection) {
        rooms.computeIfAbsent(performanceId, k -> new ConcurrentHashMap<>()).put(connection.id(), connection);
        metrics.socketOpened();
    }

    void closed(String performanceId, WebSocketConnection connection) {
        Map<String, WebSocketConnection> local = rooms.get(performanceId);
        if (local == null || local.remove(connection.id()) == null) {
            return;
        }
        metrics.socketClosed();
        String userId = connection.userData().get(USER);
        boolean anotherTab = local.values().stream().anyMatch(c -> userId.equals(c.userData().get(USER)));
        if (!anotherTab && !stopping) {
            // Other pods' sockets of the same user clear this mark on their next tick (positions.lua).
            room.disconnected(performanceId, userId);
        }
    }

    public int connected() {
        return rooms.values().stream().mapToInt(Map::size).sum();
    }

    private volatile boolean stopping;

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${queue.push-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (stopping) {
            return;
        }
        for (String performanceId : rooms.keySet()) {
            try {
                push(performanceId);
            } catch (RuntimeException e) {
                Log.warnf(e, "position push failed for room %s", performanceId);
            }
        }
    }

    /** Reads every local user's place in one round trip and pushes each socket its status. */
    public void push(String performanceId) {
        Map<String, WebSocketConnection> local = rooms.get(performanceId);
        if (local == null || local.isEmpty()) {
            return;
        }
        List<WebSocketConnection> connections = new ArrayList<>(local.values());
        Set<String> users = new LinkedHashSet<>();
        for (WebSocketConnection c : connections) {
            users.add(c.userData().get(USER));
        }
        WaitingRoom.Positions positions = room.positions(performanceId, new ArrayList<>(users), true);
        for (WebSocketConnection c : connections) {
            if (!c.isOpen()) {
                continue;
            }
            String userId = c.userData().get(USER);
            Place place = positions.places().get(userId);
            EntryStatus status = place instanceof Place.Admitted a
                    ? admitted(performanceId, userId, a, c)
                    : room.view(performanceId, userId, place, positions.admitRateMilli(), c.userData().get(TICKET));
            if (status == null) {
                // Left in another tab, place lost, session over or room deleted: nothing more to tell.
                c.close(new CloseReason(NOT_IN_ROOM, "not in the waiting room")).subscribe().with(x -> { }, x -> { });
            } else {
                c.sendText(status).subscribe().with(x -> { }, e -> Log.debugf("push to %s failed: %s", c.id(), e.getMessage()));
            }
        }
    }

    /** Signs once per socket and session, not on every tick. */
    private EntryStatus admitted(String performanceId, String userId, Place.Admitted a, WebSocketConnection c) {
        String token = c.userData().get(TOKEN);
        Long expiry = c.userData().get(TOKEN_EXPIRY);
        if (token == null || expiry == null || expiry != a.sessionExpiresAtMillis()) {
            token = tokens.issue(performanceId, userId, a.sessionExpiresAtMillis());
            c.userData().put(TOKEN, token);
            c.userData().put(TOKEN_EXPIRY, a.sessionExpiresAtMillis());
        }
        return new EntryStatus(EntryStatus.Status.ADMITTED, 0, 0, 0, token, c.userData().get(TICKET));
    }
}
