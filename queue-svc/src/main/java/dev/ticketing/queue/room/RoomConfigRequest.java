package dev.ticketing.queue.room;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.OffsetDateTime;

/**
 * Body of PUT /api/queues/{performanceId}/config. {@code admitPerSecond} is optional (absent = service default).
 * {@code opensAt} (ISO-8601 with offset) schedules the opening: fans who enter before it wait in the pre-queue and are
 * drawn at random at that instant; absent = open now (after the opening, absent keeps the recorded time).
 */
public record RoomConfigRequest(
        @NotNull @Min(1) @Max(100_000) Integer capacity,
        @NotNull @Min(1) @Max(86_400) Integer sessionTtlSeconds,
        @Min(1) @Max(10_000) Integer admitPerSecond,
        OffsetDateTime opensAt) {

    public RoomConfigRequest(Integer capacity, Integer sessionTtlSeconds, Integer admitPerSecond) {
        this(capacity, sessionTtlSeconds, admitPerSecond, null);
    }
}
