package dev.ticketing.queue.room;

import dev.ticketing.queue.config.QueueConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.set.SetCommands;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Which rooms exist (following booking-svc's performance events) and how each is configured. */
@ApplicationScoped
public class Rooms {

    private final RoomScripts scripts;
    private final HashCommands<String, String, String> hashes;
    private final SetCommands<String, String> sets;
    private final QueueConfig.RoomDefaults defaults;

    public Rooms(RoomScripts scripts, RedisDataSource redis, QueueConfig config) {
        this.scripts = scripts;
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.sets = redis.set(String.class, String.class);
        this.defaults = config.defaults();
    }

    public boolean exists(String performanceId) {
        return "live".equals(hashes.hget(new RoomKeys(performanceId).meta(), "state"));
    }

    /** Rooms the admission scheduler walks. */
    public Set<String> all() {
        return sets.smembers(RoomKeys.ROOMS);
    }

    public void forget(String performanceId) {
        sets.srem(RoomKeys.ROOMS, performanceId);
    }

    /**
     * Applies a PerformanceUpserted ({@code live}) or PerformanceDeleted: idempotent by event id, stale versions
     * ignored. Returns whether it changed anything.
     */
    public boolean applyPerformanceEvent(String eventId, String performanceId, long version, boolean live) {
        if (!live) {
            sets.srem(RoomKeys.ROOMS, performanceId);
        }
        boolean applied = scripts.run(RoomScripts.Script.PERFORMANCE, performanceId,
                eventId, Long.toString(version), live ? "live" : "deleted").toInteger() == 1;
        if (live && exists(performanceId)) {
            // After the script: the set is only an index; a room in it that is not live is skipped and dropped.
            sets.sadd(RoomKeys.ROOMS, performanceId);
        }
        return applied;
    }

    public RoomSettings settings(String performanceId) {
        Map<String, String> h = hashes.hgetall(new RoomKeys(performanceId).config());
        return new RoomSettings(performanceId,
                intOr(h.get("capacity"), defaults.capacity()),
                intOr(h.get("sessionTtlSeconds"), defaults.sessionTtlSeconds()),
                intOr(h.get("admitPerSecond"), defaults.admitPerSecond()));
    }

    /**
     * Stores an admin's settings. Allowed before the performance event arrives (the admin may configure right after
     * publishing); entries still need the room to exist.
     */
    public RoomSettings configure(String performanceId, RoomConfigRequest request) {
        String key = new RoomKeys(performanceId).config();
        Map<String, String> fields = new HashMap<>();
        fields.put("capacity", request.capacity().toString());
        fields.put("sessionTtlSeconds", request.sessionTtlSeconds().toString());
        if (request.admitPerSecond() != null) {
            fields.put("admitPerSecond", request.admitPerSecond().toString());
        } else {
            hashes.hdel(key, "admitPerSecond");
        }
        hashes.hset(key, fields);
        return settings(performanceId);
    }

    private static int intOr(String value, int fallback) {
        return value == null ? fallback : Integer.parseInt(value);
    }
}
