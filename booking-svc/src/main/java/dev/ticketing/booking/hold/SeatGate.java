package dev.ticketing.booking.hold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.booking.admission.AdmissionVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import dev.ticketing.booking.catalog.SeatMaps;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seat availability gate: a Redis sorted set per showtime ({@code seats:{performanceId}:showtimeId:taken}, member
 * = seat id, score = epoch ms until which the seat is taken, +inf when sold). In the on-sale minute most hold attempts
 * are for seats someone already has; the gate refuses those without a PostgreSQL transaction.
 *
 * PostgreSQL stays the authority: the gate may only say "taken" for a seat the database says is taken (or was, until
 * a recorded deadline). Entries are written after commit, expire by their score, are corrected whenever the database
 * refuses a seat the gate let through, and a lost removal is healed by {@link #replace}.
 *
 * The keys carry the performance as their hash tag, like queue-svc's {@code room:{performanceId}:sessions}: the hold
 * path's one check script reads the gate and the fan's admission session in one round trip, on one node even in a
 * Redis Cluster.
 */
@ApplicationScoped
public class SeatGate {

    /**
     * KEYS: the taken set, the user's own held seats, the room's admission sessions. ARGV[1]: {now, user, sid, seats}.
     * Reply: {taken: the requested seats someone else has right now, session: whether sid is the user's live one}.
     * Re-holding your own seats is not "taken": it replaces your hold, which only the database can decide.
     */
    private static final LuaScript CHECK = new LuaScript("""
            local a = cjson.decode(ARGV[1])
            local taken = {}
            for _, seat in ipairs(a.seats) do
              local score = redis.call('ZSCORE', KEYS[1], seat)
              if score and tonumber(score) > a.now and redis.call('SISMEMBER', KEYS[2], seat) == 0 then
                taken[#taken + 1] = seat
              end
            end
            local live = a.sid ~= '' and redis.call('HGET', KEYS[3], a.user) == a.sid
            return cjson.encode({taken = taken, session = live})
            """);

    /**
     * After a hold commits, in one call. KEYS: the taken set, the user's own held seats. ARGV[1]: {held, freed,
     * expires}: the new hold's seats are taken until expires and are the user's current hold; the seats the previous
     * hold gave back are free again.
     */
    private static final LuaScript APPLY_HOLD = new LuaScript("""
            local a = cjson.decode(ARGV[1])
            for _, seat in ipairs(a.freed) do
              redis.call('ZREM', KEYS[1], seat)
            end
            redis.call('DEL', KEYS[2])
            for _, seat in ipairs(a.held) do
              redis.call('ZADD', KEYS[1], a.expires, seat)
              redis.call('SADD', KEYS[2], seat)
            end
            if #a.held > 0 then
              redis.call('PEXPIREAT', KEYS[2], a.expires)
            end
            return #a.held
            """);

    private final RedisDataSource redis;
    private final ReactiveRedisDataSource reactive;
    private final SortedSetCommands<String, String> zset;
    private final Showtimes showtimes;
    private final TransactionSynchronizationRegistry tx;
    /** Every committed seat change goes through the gate: the shared seat map of the showtime is rebuilt (SeatMaps). */
    private final Event<SeatMaps.SeatsChanged> seatsChanged;
    private final ObjectMapper json;
    private final Counter refusals;
    private final Counter unavailable;

    public SeatGate(RedisDataSource redis, ReactiveRedisDataSource reactive, Showtimes showtimes,
                    TransactionSynchronizationRegistry tx, ObjectMapper json, MeterRegistry metrics,
                    Event<SeatMaps.SeatsChanged> seatsChanged) {
        this.seatsChanged = seatsChanged;
        this.redis = redis;
        this.reactive = reactive;
        this.zset = redis.sortedSet(String.class);
        this.showtimes = showtimes;
        this.tx = tx;
        this.json = json;
        this.refusals = metrics.counter("booking.seat_gate.refusals");
        this.unavailable = metrics.counter("booking.seat_gate.unavailable");
    }

    static String key(String performanceId, String showtimeId) {
        return "seats:{" + performanceId + "}:" + showtimeId + ":taken";
    }

    static String userKey(String performanceId, String showtimeId, String userId) {
        return "seats:{" + performanceId + "}:" + showtimeId + ":user:" + userId;
    }

    /** What the gate and the room say about a hold attempt: seats someone else has, and whether the admission is live. */
    public record Check(List<String> taken, boolean sessionLive) {
    }

    /**
     * One round trip: the requested seats someone else has right now, and whether {@code claimedSid} is the user's live
     * admission session. Redis down fails the attempt (503): the session cannot be known, and it is never guessed.
     */
    public Check check(Showtimes.Showtime showtime, String userId, String claimedSid, List<String> seatIds) {
        String perf = showtime.performanceId();
        String st = showtime.id().toString();
        String args = checkArgs(userId, claimedSid, seatIds);
        try {
            return checked(CHECK.call(redis, List.of(key(perf, st), userKey(perf, st, userId),
                    AdmissionVerifier.sessionsKey(perf)), args).toString());
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            unavailable.increment();
            throw e;
        }
    }

    /**
     * {@link #check} without blocking, for the hold path's event-loop refusal. A Redis that is down or drops the
     * connection fails it with a {@link java.net.ConnectException} (503, like the blocking client's failures).
     */
    public Uni<Check> checkAsync(Showtimes.Showtime showtime, String userId, String claimedSid, List<String> seatIds) {
        String perf = showtime.performanceId();
        String st = showtime.id().toString();
        String args = checkArgs(userId, claimedSid, seatIds);
        return CHECK.callAsync(reactive, List.of(key(perf, st), userKey(perf, st, userId),
                        AdmissionVerifier.sessionsKey(perf)), args)
                .onFailure().transform(e -> {
                    unavailable.increment();
                    if (e instanceof java.net.ConnectException || e instanceof java.net.SocketException
                            || e instanceof java.util.concurrent.TimeoutException || !(e instanceof Exception)
                            || String.valueOf(e.getMessage()).contains("CONNECTION_CLOSED")) {
                        var down = new java.net.ConnectException("Redis unavailable: " + e);
                        down.initCause(e);
                        return down;
                    }
                    return e;
                })
                .map(reply -> checked(reply.toString()));
    }

    private String checkArgs(String userId, String claimedSid, List<String> seatIds) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("now", System.currentTimeMillis());
        args.put("user", userId);
        args.put("sid", claimedSid == null ? "" : claimedSid);
        args.put("seats", seatIds);
        try {
            return json.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Check checked(String raw) {
        JsonNode reply;
        try {
            reply = json.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("seat gate reply", e);
        }
        List<String> taken = new ArrayList<>();
        reply.path("taken").forEach(n -> taken.add(n.asText())); // cjson writes an empty list as {}: no elements
        if (!taken.isEmpty()) {
            refusals.increment();
        }
        return new Check(taken, reply.path("session").asBoolean(false));
    }

    /** After commit, one call: the new hold's seats are taken until {@code untilMillis}; the previous hold's are free. */
    public void applyHoldAfterCommit(Showtimes.Showtime showtime, String userId, Collection<String> held,
                                     long untilMillis, Collection<String> freed) {
        String perf = showtime.performanceId();
        String st = showtime.id().toString();
        String args;
        try {
            args = json.writeValueAsString(Map.of("held", List.copyOf(held), "freed", List.copyOf(freed),
                    "expires", untilMillis));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        afterCommit(() -> {
            seatsChanged.fire(new SeatMaps.SeatsChanged(st));
            try {
                APPLY_HOLD.call(redis, List.of(key(perf, st), userKey(perf, st, userId)), args);
            } catch (RuntimeException e) {
                Log.debugf("seat gate not updated (the database stays right): %s", e.getMessage());
            }
        });
    }

    /**
     * Marks seats taken until {@code untilMillis} (Long.MAX_VALUE = sold) once the current transaction commits. The
     * gate writes of one transaction are coalesced: one ZADD and one ZREM per showtime after the commit, however many
     * orders the transaction settled (a batch of payment results would otherwise pay one Redis round trip each).
     */
    public void markTakenAfterCommit(String showtimeId, Map<String, Long> untilMillisBySeat) {
        String perf = showtimes.performanceOf(showtimeId);
        if (perf != null && !untilMillisBySeat.isEmpty()) {
            pending().put(perf, showtimeId, untilMillisBySeat);
        }
    }

    /** Marks seats taken now: what the database just said about seats the gate did not know were taken. */
    public void markTaken(Showtimes.Showtime showtime, Map<String, Long> untilMillisBySeat) {
        markTaken(showtime.performanceId(), showtime.id().toString(), untilMillisBySeat);
    }

    private void markTaken(String performanceId, String showtimeId, Map<String, Long> untilMillisBySeat) {
        if (untilMillisBySeat.isEmpty()) {
            return;
        }
        try {
            List<ScoredValue<String>> values = new ArrayList<>();
            untilMillisBySeat.forEach((seat, until) -> values.add(
                    new ScoredValue<>(seat, until == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : until.doubleValue())));
            zset.zadd(key(performanceId, showtimeId), values.toArray(ScoredValue[]::new));
        } catch (RuntimeException e) {
            Log.debugf("seat gate not updated (the database stays right): %s", e.getMessage());
        }
    }

    /** Seats back on sale once the current transaction commits (coalesced like {@link #markTakenAfterCommit}). */
    public void releaseAfterCommit(String showtimeId, Collection<String> seatIds) {
        String perf = seatIds.isEmpty() ? null : showtimes.performanceOf(showtimeId);
        if (perf == null) {
            return;
        }
        Map<String, Long> freed = new LinkedHashMap<>();
        seatIds.forEach(seat -> freed.put(seat, null));
        pending().put(perf, showtimeId, freed);
    }

    /** The gate writes of the current transaction, by showtime; a seat's last change wins (null = back on sale). */
    private final class PendingWrites {
        private final Map<List<String>, Map<String, Long>> byShowtime = new LinkedHashMap<>();

        void put(String performanceId, String showtimeId, Map<String, Long> changes) {
            byShowtime.computeIfAbsent(List.of(performanceId, showtimeId), k -> new LinkedHashMap<>()).putAll(changes);
        }

        void flush() {
            byShowtime.forEach((k, changes) -> {
                seatsChanged.fire(new SeatMaps.SeatsChanged(k.get(1)));
                Map<String, Long> taken = new LinkedHashMap<>();
                List<String> freed = new ArrayList<>();
                changes.forEach((seat, until) -> {
                    if (until == null) {
                        freed.add(seat);
                    } else {
                        taken.put(seat, until);
                    }
                });
                if (!freed.isEmpty()) {
                    try {
                        zset.zrem(key(k.get(0), k.get(1)), freed.toArray(String[]::new));
                    } catch (RuntimeException e) {
                        Log.debugf("seat gate not updated (the database stays right): %s", e.getMessage());
                    }
                }
                markTaken(k.get(0), k.get(1), taken);
            });
        }
    }

    private static final Object PENDING_WRITES = new Object();

    private PendingWrites pending() {
        PendingWrites p = (PendingWrites) tx.getResource(PENDING_WRITES);
        if (p == null) {
            PendingWrites created = new PendingWrites();
            tx.putResource(PENDING_WRITES, created);
            afterCommit(created::flush);
            p = created;
        }
        return p;
    }

    /** Replaces a showtime's gate with what the database says (reconciliation). */
    public void replace(String showtimeId, Map<String, Long> untilMillisBySeat) {
        String perf = showtimes.performanceOf(showtimeId);
        if (perf == null) {
            return;
        }
        try {
            redis.key().del(key(perf, showtimeId));
            markTaken(perf, showtimeId, untilMillisBySeat);
        } catch (RuntimeException e) {
            Log.debugf("seat gate not rebuilt: %s", e.getMessage());
        }
    }

    private void afterCommit(Runnable action) {
        tx.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }
}
