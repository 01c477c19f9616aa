package dev.ticketing.queue.room;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Body of PUT /api/queues/{performanceId}/config. {@code admitPerSecond} is optional (absent = service default). */
public record RoomConfigRequest(
        @NotNull @Min(1) @Max(100_000) Integer capacity,
        @NotNull @Min(1) @Max(86_400) Integer sessionTtlSeconds,
        @Min(1) @Max(10_000) Integer admitPerSecond) {
}
