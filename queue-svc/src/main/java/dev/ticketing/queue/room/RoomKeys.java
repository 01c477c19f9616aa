package dev.ticketing.queue.room;

import java.util.List;

/**
 * The Redis keys of one room. All share the hash tag {@code {performanceId}}: on a Redis Cluster a room lives in one
 * slot, so its Lua scripts may touch all of them. The order of {@link #all()} is the KEYS order of lua/room.lua.
 */
public record RoomKeys(String performanceId) {

    /** Rooms this deployment follows (for the admission scheduler). Global, so never touched inside a room script. */
    public static final String ROOMS = "queue:rooms";

    public String key(String part) {
        return "room:{" + performanceId + "}:" + part;
    }

    public String meta() {
        return key("meta");
    }

    public String config() {
        return key("config");
    }

    public String waiting() {
        return key("waiting");
    }

    public String active() {
        return key("active");
    }

    public String audit() {
        return key("audit");
    }

    public List<String> all() {
        return List.of(meta(), config(), waiting(), active(), key("seq"), key("tickets"), key("gone"),
                key("reentered"), key("rate"), audit(), key("stats"), key("events"));
    }
}
