package dev.ticketing.queue.room;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis keys of one room. All share the hash tag {@code {performanceId}}: on a Redis Cluster a room lives in one
 * slot, so its Lua scripts may touch all of them. {@link Key} is the one list of them: the scripts get them as KEYS in
 * its order and read them by name ({@code K.waiting}) through the table {@link #luaTable()} builds, so no key order
 * is kept in step by hand.
 */
public record RoomKeys(String performanceId) {

    /** Rooms this deployment follows (for the admission scheduler). Global, so never touched inside a room script. */
    public static final String ROOMS = "queue:rooms";

    public enum Key {
        /** state live|deleted, version of the last performance event. */
        META,
        /** an admin's capacity, sessionTtlSeconds, admitPerSecond. */
        CONFIG,
        /** the line: user → arrival ms * 1000 + tie-breaker. */
        WAITING,
        /** admitted users: user → session expiry ms. */
        ACTIVE,
        /** the last arrival score handed out. */
        SEQ,
        /** user → reconnect ticket of the current entry. */
        TICKETS,
        /** waiting users whose last socket closed: user → when. */
        GONE,
        /** users who entered again (left out of the fairness audit). */
        REENTERED,
        /** admissions per second (for the admit rate). */
        RATE,
        /** "arrival reentered user" in admission order. */
        AUDIT,
        /** maxArrival, inversions, the last session id. */
        STATS,
        /** event ids already applied (idempotency). */
        EVENTS,
        /** user → session id of the live admission; booking-svc checks admission tokens against it. */
        SESSIONS,
        /** user → the admission token signed for that session (signed once, read by every status). */
        GRANTS,
        /** users who entered before a scheduled opening (a set: one entry per user, however often they enter). */
        PREQUEUE,
        /** the opening draw, "hash user" per drawn fan (the audit sorts it into the draw order). */
        DRAW;

        /** The name in Redis and in the scripts' {@code K} table. */
        public String part() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public String key(Key key) {
        return "room:{" + performanceId + "}:" + key.part();
    }

    public String meta() {
        return key(Key.META);
    }

    public String config() {
        return key(Key.CONFIG);
    }

    public String waiting() {
        return key(Key.WAITING);
    }

    public String active() {
        return key(Key.ACTIVE);
    }

    public String audit() {
        return key(Key.AUDIT);
    }

    public String sessions() {
        return key(Key.SESSIONS);
    }

    /** KEYS of every room script, in {@link Key} order. */
    public List<String> all() {
        List<String> keys = new ArrayList<>(Key.values().length);
        for (Key k : Key.values()) {
            keys.add(key(k));
        }
        return keys;
    }

    /** Lua that binds every key by name: {@code local K = {meta = KEYS[1], ...}}. */
    static String luaTable() {
        StringBuilder lua = new StringBuilder("local K = {");
        for (Key k : Key.values()) {
            lua.append(k.ordinal() == 0 ? "" : ", ").append(k.part()).append(" = KEYS[").append(k.ordinal() + 1).append(']');
        }
        return lua.append("}\n").toString();
    }
}
