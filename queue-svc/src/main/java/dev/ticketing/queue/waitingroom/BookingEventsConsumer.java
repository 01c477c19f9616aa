package dev.ticketing.queue.waitingroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.queue.messaging.UnprocessableEvent;
import dev.ticketing.queue.messaging.WaitingForDependency;
import dev.ticketing.queue.room.RoomId;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.BeforeRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.temporal.ChronoUnit;

/** A booking that ended (completed or abandoned) ends the user's admission at once instead of at session expiry: the
 * slot goes to the next fan and the fan's admission token stops opening booking-svc. */
@ApplicationScoped
public class BookingEventsConsumer {

    static final String CHANNEL = "booking-events";

    private final WaitingRoom room;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public BookingEventsConsumer(WaitingRoom room, ObjectMapper json, MeterRegistry metrics) {
        this.room = room;
        this.json = json;
        this.metrics = metrics;
    }

    /**
     * Redis down (a crash, a failover, LOADING after a restart) is a reason to wait, never to stop: the same record
     * is tried again, backing off to 5 s between attempts, for as long as it takes. Blocking consumption is ordered,
     * so later records of the partition wait behind it. Only an {@link UnprocessableEvent} is not retried: it is
     * nacked to the dead-letter topic ({@code failure-strategy} in application.properties).
     */
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
        if (!type.equals("BookingCompleted") && !type.equals("BookingAbandoned")) {
            return; // the topic carries more types than queue-svc follows (docs/architecture.md)
        }
        String eventId = event.path("eventId").asText("");
        String performanceId = event.path("performanceId").asText("");
        String userId = event.path("userId").asText("");
        if (eventId.isEmpty() || userId.isEmpty() || !RoomId.isValid(performanceId)) {
            throw unprocessable(type + " " + eventId + " without eventId, userId or a valid performanceId");
        }
        // Idempotent by event id inside the same Lua script that frees the slot, so a retry after a reply lost with
        // the connection frees nothing twice.
        room.release(eventId, performanceId, userId).await().indefinitely();
    }

    private UnprocessableEvent unprocessable(String why) {
        Log.warnf("booking event to the dead-letter topic: %s", why);
        metrics.counter("ticketing.events.dead.lettered", "channel", CHANNEL).increment();
        return new UnprocessableEvent(why);
    }
}
