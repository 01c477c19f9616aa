package dev.ticketing.queue.ws;

import dev.ticketing.queue.room.RoomNotFoundException;
import dev.ticketing.queue.waitingroom.EntryStatus;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * Live position. Opening the socket enters the room: with the ticket from the last entry (query {@code ticket},
 * within the reconnect grace period) the place is kept, otherwise the user goes to the back like any re-entry.
 * Updates are pushed by {@link WaitingRoomSockets} at least once a second and on admission.
 */
@WebSocket(path = "/api/queues/{performanceId}/ws")
public class WaitingRoomSocket {

    private final WaitingRoom room;
    private final WaitingRoomSockets sockets;

    public WaitingRoomSocket(WaitingRoom room, WaitingRoomSockets sockets) {
        this.room = room;
        this.sockets = sockets;
    }

    @OnOpen
    public EntryStatus onOpen(WebSocketConnection connection) {
        String performanceId = connection.pathParam("performanceId");
        String userId = connection.userData().get(WaitingRoomSockets.USER);
        WaitingRoom.Entry entry;
        try {
            entry = room.enter(performanceId, userId, connection.userData().get(WaitingRoomSockets.TICKET));
        } catch (RoomNotFoundException e) {
            connection.close(new CloseReason(WaitingRoomSockets.NOT_IN_ROOM, "no waiting room")).subscribe().with(x -> { });
            return null;
        }
        connection.userData().put(WaitingRoomSockets.TICKET, entry.status().ticket());
        sockets.opened(performanceId, connection);
        if (!entry.admitted().isEmpty()) {
            sockets.push(performanceId);
        }
        return entry.status();
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        sockets.closed(connection.pathParam("performanceId"), connection);
    }
}
