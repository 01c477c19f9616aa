package dev.ticketing.search.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.search.index.PerformanceDocument;
import dev.ticketing.search.index.PerformanceIndex;
import dev.ticketing.search.index.WriteOutcome;
import dev.ticketing.search.messaging.UnprocessableEvent;
import dev.ticketing.search.messaging.WaitingForDependency;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.BeforeRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Keeps the index current from performance-events. Idempotent and order-safe without a processed-events table:
 * each write carries the event's version and the engine refuses anything not newer than what it holds, so a
 * replayed or late event is a no-op.
 */
@ApplicationScoped
public class PerformanceEventsConsumer {

    static final String CHANNEL = "performance-events";

    private final PerformanceIndex index;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public PerformanceEventsConsumer(PerformanceIndex index, ObjectMapper json, MeterRegistry metrics) {
        this.index = index;
        this.json = json;
        this.metrics = metrics;
    }

    /**
     * Blocking processing is ordered by default: a partition's events are applied one after another. OpenSearch down
     * is a reason to wait, never to stop: the same record is tried again (100 ms growing to 5 s between attempts, for
     * as long as it takes). A malformed record can never succeed: it goes to the dead-letter topic
     * ({@code failure-strategy} in application.properties) instead of blocking every later event of its partition.
     */
    @Incoming(CHANNEL)
    @Blocking
    @Retry(maxRetries = -1, maxDuration = 0, delay = 100, jitter = 50, abortOn = UnprocessableEvent.class)
    @ExponentialBackoff(maxDelay = 5, maxDelayUnit = ChronoUnit.SECONDS)
    @BeforeRetry(WaitingForDependency.class)
    public void onEvent(String payload) {
        PerformanceDocument doc;
        try {
            doc = toDocument(json.readTree(payload));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Log.warnf("performance event to the dead-letter topic: %s", e.getMessage());
            count("malformed");
            metrics.counter("ticketing.events.dead.lettered", "channel", CHANNEL).increment();
            throw new UnprocessableEvent(e.getMessage());
        }
        if (doc == null) {
            count("ignored");
            return;
        }
        WriteOutcome outcome = index.write(doc);
        count(outcome == WriteOutcome.APPLIED ? "applied" : "stale");
        Log.debugf("performance %s v%d: %s", doc.id(), doc.version(), outcome);
    }

    /** The index document an event stands for, or null for event types this service does not follow. */
    PerformanceDocument toDocument(JsonNode event) throws JsonProcessingException {
        String type = event.path("type").asText("");
        if (type.isEmpty()) {
            throw new IllegalArgumentException("event without type: " + event.path("eventId"));
        }
        switch (type) {
            case PerformanceUpserted.TYPE -> {
                PerformanceUpserted e = json.treeToValue(event, PerformanceUpserted.class);
                requireIdentity(e.performanceId(), event);
                List<PerformanceDocument.Showtime> showtimes = e.showtimes() == null ? List.of()
                        : e.showtimes().stream()
                        .map(s -> new PerformanceDocument.Showtime(s.showtimeId(), s.startsAt())).toList();
                return new PerformanceDocument(e.performanceId(), e.version(), false, e.title(), e.description(),
                        e.venue(), e.category(), showtimes, e.firstShowAt(), e.lastShowAt());
            }
            case PerformanceDeleted.TYPE -> {
                PerformanceDeleted e = json.treeToValue(event, PerformanceDeleted.class);
                requireIdentity(e.performanceId(), event);
                return PerformanceDocument.tombstone(e.performanceId(), e.version());
            }
            default -> {
                return null;
            }
        }
    }

    private static void requireIdentity(String performanceId, JsonNode event) {
        if (performanceId == null || performanceId.isBlank() || !event.path("version").canConvertToLong()
                || event.path("version").asLong() < 0) {
            throw new IllegalArgumentException("event without performanceId or version: " + event.path("eventId"));
        }
    }

    private void count(String outcome) {
        metrics.counter("search.performance.events", "outcome", outcome).increment();
    }
}
