package dev.ticketing.booking.outbox;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The payloads booking-svc publishes (docs/architecture.md, "Events"). The envelope (eventId, type, schemaVersion,
 * occurredAt) is added by {@link Outbox} so every event carries it the same way. Serialized by Jackson into the outbox,
 * also in a native image: registered for reflection.
 */
@RegisterForReflection(targets = {Events.ShowtimeRef.class, Events.PerformanceUpserted.class,
        Events.PerformanceDeleted.class, Events.OrderPlaced.class, Events.OrderCancelled.class,
        Events.BookingFinished.class, Events.Availability.class})
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

    /** PerformanceSoldOut (every seat sold) / PerformanceOnSale (a seat is back: a refund, a new showtime). */
    public record Availability(String performanceId) {
    }

    /** BookingCompleted / BookingAbandoned: the user is done with this performance's booking; frees a queue slot. */
    public record BookingFinished(String userId, String performanceId, String orderId) {
    }
}
