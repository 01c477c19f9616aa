package dev.ticketing.queue.room;

import dev.ticketing.queue.config.QueueConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.set.SetCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Which rooms exist (following booking-svc's performance events) and how each is configured. */
@ApplicationScoped
public class Rooms {

    private final RoomScripts scripts;
    private final HashCommands<String, String, String> hashes;
    private final SetCommands<String, String> sets;
    private final io.quarkus.redis.datasource.hash.ReactiveHashCommands<String, String, String> reactiveHashes;
    private final io.quarkus.redis.datasource.set.ReactiveSetCommands<String, String> reactiveSets;
    private final QueueConfig.RoomDefaults defaults;

    /** Applied or not (duplicate, stale): the answer of lua/performance.lua. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    record Applied(boolean applied) {
    }

    public Rooms(RoomScripts scripts, RedisDataSource redis, ReactiveRedisDataSource reactive, QueueConfig config) {
        this.scripts = scripts;
        this.reactiveHashes = reactive.hash(String.class, String.class, String.class);
        this.reactiveSets = reactive.set(String.class, String.class);
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.sets = redis.set(String.class, String.class);
        this.defaults = config.defaults();
    }

    public boolean exists(String performanceId) {
        return "live".equals(hashes.hget(new RoomKeys(performanceId).meta(), "state"));
    }

    /** The same, without blocking (the WebSocket upgrade). */
    public Uni<Boolean> existsAsync(String performanceId) {
        return reactiveHashes.hget(new RoomKeys(performanceId).meta(), "state").map("live"::equals);
    }

    /** Rooms the admission scheduler walks. */
    public Set<String> all() {
        return sets.smembers(RoomKeys.ROOMS);
    }

    public Uni<Set<String>> allAsync() {
        return reactiveSets.smembers(RoomKeys.ROOMS);
    }

    public Uni<Void> forgetAsync(String performanceId) {
        return reactiveSets.srem(RoomKeys.ROOMS, performanceId).replaceWithVoid();
    }

    /**
     * Applies a PerformanceUpserted ({@code live}) or PerformanceDeleted: idempotent by event id, stale versions
     * ignored. Returns whether it changed anything.
     */
    public boolean applyPerformanceEvent(String eventId, String performanceId, long version, boolean live) {
        if (!live) {
            sets.srem(RoomKeys.ROOMS, performanceId);
        }
        // Called by the (blocking, ordered) Kafka consumer: waiting here is what keeps the partition in order.
        boolean applied = scripts.run(RoomScripts.Script.PERFORMANCE, performanceId,
                        Map.of("eventId", eventId, "version", Long.toString(version), "state", live ? "live" : "deleted"),
                        Applied.class)
                .await().indefinitely().applied();
        if (live && exists(performanceId)) {
            // After the script: the set is only an index; a room in it that is not live is skipped and dropped.
            sets.sadd(RoomKeys.ROOMS, performanceId);
        }
        return applied;
    }

    /**
     * Applies a PerformanceSoldOut ({@code soldOut}) or PerformanceOnSale: idempotent by event id. While sold out the
     * room admits nobody and shows its fans SOLD_OUT. Returns whether it changed anything.
     */
    public boolean applyAvailabilityEvent(String eventId, String performanceId, boolean soldOut) {
        return scripts.run(RoomScripts.Script.AVAILABILITY, performanceId,
                        Map.of("eventId", eventId, "soldOut", soldOut ? "1" : "0"), Applied.class)
                .await().indefinitely().applied();
    }

    public RoomSettings settings(String performanceId) {
        Map<String, String> h = hashes.hgetall(new RoomKeys(performanceId).config());
        String opensAt = h.get("opensAt");
        return new RoomSettings(performanceId,
                intOr(h.get("capacity"), defaults.capacity()),
                intOr(h.get("sessionTtlSeconds"), defaults.sessionTtlSeconds()),
                intOr(h.get("admitPerSecond"), defaults.admitPerSecond()), exists(performanceId),
                opensAt == null ? null : Instant.ofEpochMilli(Long.parseLong(opensAt)));
    }

    /** The answer of lua/configure.lua: {@code opened} when a new opening time came after the opening. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    record Configured(boolean opened, long opensAt) {
    }

    /**
     * Stores an admin's settings, in one script so the opening time cannot move once the room has opened. Allowed
     * before the performance event arrives (the admin may configure right after publishing); entries still need the
     * room to exist.
     */
    public RoomSettings configure(String performanceId, RoomConfigRequest request) {
        Map<String, Object> args = new HashMap<>();
        args.put("capacity", request.capacity());
        args.put("sessionTtlSeconds", request.sessionTtlSeconds());
        args.put("admitPerSecond", request.admitPerSecond() == null ? 0 : request.admitPerSecond());
        args.put("opensAt", request.opensAt() == null ? 0 : request.opensAt().toInstant().toEpochMilli());
        Configured c = scripts.run(RoomScripts.Script.CONFIGURE, performanceId, args, Configured.class)
                .await().indefinitely();
        if (c.opened()) {
            throw new RoomOpenedException(performanceId, Instant.ofEpochMilli(c.opensAt()));
        }
        return settings(performanceId);
    }

    private static int intOr(String value, int fallback) {
        return value == null ? fallback : Integer.parseInt(value);
    }
}
