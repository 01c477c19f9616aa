package dev.ticketing.queue.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.queue.messaging.UnprocessableEvent;
import dev.ticketing.queue.messaging.WaitingForDependency;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.BeforeRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.temporal.ChronoUnit;

/**
 * Rooms exist only for performances booking-svc published (PerformanceUpserted) and not deleted since; a sold-out
 * performance's room admits nobody until it is on sale again (PerformanceSoldOut, PerformanceOnSale).
 */
@ApplicationScoped
public class PerformanceEventsConsumer {

    static final String CHANNEL = "performance-events";

    private final Rooms rooms;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public PerformanceEventsConsumer(Rooms rooms, ObjectMapper json, MeterRegistry metrics) {
        this.rooms = rooms;
        this.json = json;
        this.metrics = metrics;
    }

    /** Waits out a Redis outage on the same record, like {@code BookingEventsConsumer}; see there. */
    @Incoming(CHANNEL)
    @Blocking
    @Retry(maxRetries = -1, maxDuration = 0, delay = 100, jitter = 50, abortOn = UnprocessableEvent.class)
    @ExponentialBackoff(maxDelay = 5, maxDelayUnit = ChronoUnit.SECONDS)
    @BeforeRetry(WaitingForDependency.class)
    public void consume(String payload) {
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (Exception e) {
            throw unprocessable("not JSON: " + e.getMessage());
        }
        String type = event.path("type").asText("");
        if (type.isEmpty()) {
            throw unprocessable("no type");
        }
        String eventId = event.path("eventId").asText("");
        String performanceId = event.path("performanceId").asText("");
        if (type.equals("PerformanceSoldOut") || type.equals("PerformanceOnSale")) {
            if (eventId.isEmpty() || !RoomId.isValid(performanceId)) {
                throw unprocessable(type + " " + eventId + " without eventId or a valid performanceId");
            }
            boolean applied = rooms.applyAvailabilityEvent(eventId, performanceId, type.equals("PerformanceSoldOut"));
            Log.infof("%s %s applied=%s", type, performanceId, applied);
            return;
        }
        if (!type.equals("PerformanceUpserted") && !type.equals("PerformanceDeleted")) {
            return; // types we do not follow are ignored (docs/architecture.md)
        }
        if (eventId.isEmpty() || !RoomId.isValid(performanceId) || !event.path("version").canConvertToLong()) {
            throw unprocessable(type + " " + eventId + " without eventId, a valid performanceId or version");
        }
        boolean applied = rooms.applyPerformanceEvent(eventId, performanceId, event.path("version").asLong(),
                type.equals("PerformanceUpserted"));
        Log.debugf("%s %s v%d applied=%s", type, performanceId, event.path("version").asLong(), applied);
    }

    private UnprocessableEvent unprocessable(String why) {
        Log.warnf("performance event to the dead-letter topic: %s", why);
        metrics.counter("ticketing.events.dead.lettered", "channel", CHANNEL).increment();
        return new UnprocessableEvent(why);
    }
}
