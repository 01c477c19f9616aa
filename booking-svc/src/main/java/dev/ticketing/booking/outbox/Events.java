package dev.ticketing.booking.outbox;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The payloads booking-svc publishes (docs/architecture.md, "Events"). The envelope (eventId, type, schemaVersion,
 * occurredAt) is added by {@link Outbox} so every event carries it the same way.
 */
public final class Events {
    private Events() {
    }

    public record ShowtimeRef(String showtimeId, OffsetDateTime startsAt) {
    }

    public record PerformanceUpserted(String performanceId, long version, String title, String description,
                                      String venue, String category, List<ShowtimeRef> showtimes,
                                      OffsetDateTime firstShowAt, OffsetDateTime lastShowAt) {
    }

    public record PerformanceDeleted(String performanceId, long version) {
    }

    public record OrderPlaced(String orderId, String userId, String performanceId, String showtimeId,
                              List<String> seatIds, long amount, String currency, String paymentToken) {
    }

    public record OrderCancelled(String orderId, String userId, String reason) {
    }

    /** BookingCompleted / BookingAbandoned: the user is done with this performance's booking; frees a queue slot. */
    public record BookingFinished(String userId, String performanceId, String orderId) {
    }
}
