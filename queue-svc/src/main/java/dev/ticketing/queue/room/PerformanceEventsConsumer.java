package dev.ticketing.queue.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Rooms exist only for performances booking-svc published (PerformanceUpserted) and not deleted since. */
@ApplicationScoped
public class PerformanceEventsConsumer {

    private final Rooms rooms;
    private final ObjectMapper json;

    public PerformanceEventsConsumer(Rooms rooms, ObjectMapper json) {
        this.rooms = rooms;
        this.json = json;
    }

    @Incoming("performance-events")
    @Blocking
    public void consume(String payload) {
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (Exception e) {
            Log.warnf("skipping unreadable performance event: %s", e.getMessage());
            return;
        }
        String type = event.path("type").asText("");
        if (!type.equals("PerformanceUpserted") && !type.equals("PerformanceDeleted")) {
            return; // types we do not know are ignored (docs/architecture.md)
        }
        String eventId = event.path("eventId").asText("");
        String performanceId = event.path("performanceId").asText("");
        if (eventId.isEmpty() || !RoomId.isValid(performanceId) || !event.path("version").canConvertToLong()) {
            Log.warnf("skipping malformed %s event %s", type, eventId);
            return;
        }
        boolean applied = rooms.applyPerformanceEvent(eventId, performanceId, event.path("version").asLong(),
                type.equals("PerformanceUpserted"));
        Log.debugf("%s %s v%d applied=%s", type, performanceId, event.path("version").asLong(), applied);
    }
}
