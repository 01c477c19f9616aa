package dev.ticketing.queue.ws;

import dev.ticketing.queue.room.RoomNotFoundException;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * Live position. The access token rides in the subprotocol list (see {@link AccessTokenUpgradeCheck}). Opening the
 * socket enters the room: with the ticket from the last entry (query {@code ticket}, within the reconnect grace
 * period) the place is kept, otherwise the user goes to the back like any re-entry. Everything runs on the socket's
 * event loop; {@link WaitingRoomSockets} pushes the place at least once a second and the admission at once.
 */
@WebSocket(path = "/api/queues/{performanceId}/ws")
public class WaitingRoomSocket {

    /** RFC 6455 1013 "Try Again Later": the store is unavailable, the client reconnects with its ticket. */
    static final int TRY_AGAIN_LATER = 1013;

    private final WaitingRoom room;
    private final WaitingRoomSockets sockets;

    public WaitingRoomSocket(WaitingRoom room, WaitingRoomSockets sockets) {
        this.room = room;
        this.sockets = sockets;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        String performanceId = connection.pathParam("performanceId");
        String userId = connection.userData().get(WaitingRoomSockets.USER);
        return room.enter(performanceId, userId, connection.userData().get(WaitingRoomSockets.TICKET))
                .flatMap(entry -> {
                    WaitingRoomSockets.Socket s = sockets.opened(connection, performanceId, userId, entry.status().ticket());
                    return connection.sendText(sockets.encode(entry.status().sentAt(System.currentTimeMillis())))
                            .onFailure().invoke(e -> sockets.closed(s));
                })
                .onFailure(RoomNotFoundException.class).recoverWithUni(
                        () -> connection.close(new CloseReason(WaitingRoomSockets.NOT_IN_ROOM, "no waiting room")))
                .onFailure().recoverWithUni(e -> {
                    Log.warnf("socket entry failed for room %s: %s", performanceId, e.toString());
                    return connection.close(new CloseReason(TRY_AGAIN_LATER, "the waiting room is unavailable, reconnect"));
                });
    }

    /** The answer to the server's auto-ping: the client is still there (see WaitingRoomSockets' silence check). */
    @OnPongMessage
    public void onPong(Buffer data, WebSocketConnection connection) {
        WaitingRoomSockets.Socket s = connection.userData().get(WaitingRoomSockets.SOCKET);
        if (s != null) {
            s.heard();
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        WaitingRoomSockets.Socket s = connection.userData().get(WaitingRoomSockets.SOCKET);
        if (s != null) {
            sockets.closed(s);
        }
    }
}
