package dev.ticketing.queue.room;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * Effective settings of one room (admin-configured values over the service defaults), and whether the room is open
 * ({@code live}: queue-svc has applied the performance's PerformanceUpserted, so fans can enter). Settings may be
 * stored before that; a client that opens a sale right after publishing waits for {@code live}. {@code opensAt}: the
 * scheduled opening, if any (fans entering before it are pre-queued and drawn at that instant).
 */
public record RoomSettings(String performanceId, int capacity, int sessionTtlSeconds, int admitPerSecond, boolean live,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Instant opensAt) {
}
