package dev.ticketing.queue.waitingroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.queue.room.RoomId;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A booking that ended (completed or abandoned) frees the user's active slot at once instead of at session expiry. */
@ApplicationScoped
public class BookingEventsConsumer {

    private final WaitingRoom room;
    private final ObjectMapper json;

    public BookingEventsConsumer(WaitingRoom room, ObjectMapper json) {
        this.room = room;
        this.json = json;
    }

    @Incoming("booking-events")
    @Blocking
    public void consume(String payload) {
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (Exception e) {
            Log.warnf("skipping unreadable booking event: %s", e.getMessage());
            return;
        }
        String type = event.path("type").asText("");
        if (!type.equals("BookingCompleted") && !type.equals("BookingAbandoned")) {
            return;
        }
        String eventId = event.path("eventId").asText("");
        String performanceId = event.path("performanceId").asText("");
        String userId = event.path("userId").asText("");
        if (eventId.isEmpty() || userId.isEmpty() || !RoomId.isValid(performanceId)) {
            Log.warnf("skipping malformed %s event %s", type, eventId);
            return;
        }
        // Idempotent by event id inside the same Lua script that frees the slot.
        room.release(eventId, performanceId, userId);
    }
}
