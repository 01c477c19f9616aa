package dev.ticketing.queue.room;

/** Effective settings of one room (admin-configured values over the service defaults). */
public record RoomSettings(String performanceId, int capacity, int sessionTtlSeconds, int admitPerSecond) {
}
