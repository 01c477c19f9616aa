package dev.ticketing.search.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.search.index.PerformanceDocument;
import dev.ticketing.search.index.PerformanceIndex;
import dev.ticketing.search.index.WriteOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;

/**
 * Keeps the index current from performance-events. Idempotent and order-safe without a processed-events table:
 * each write carries the event's version and the engine refuses anything not newer than what it holds, so a
 * replayed or late event is a no-op.
 */
@ApplicationScoped
public class PerformanceEventsConsumer {

    private final PerformanceIndex index;
    private final ObjectMapper json;
    private final MeterRegistry metrics;

    public PerformanceEventsConsumer(PerformanceIndex index, ObjectMapper json, MeterRegistry metrics) {
        this.index = index;
        this.json = json;
        this.metrics = metrics;
    }

    /** Blocking processing is ordered by default: a partition's events are applied one after another. */
    @Incoming("performance-events")
    @Blocking
    public void onEvent(String payload) {
        PerformanceDocument doc;
        try {
            doc = toDocument(json.readTree(payload));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // A malformed record can never succeed; skipping it beats blocking every later event of its partition.
            Log.warnf("skipping unreadable performance event: %s", e.getMessage());
            count("malformed");
            return;
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
