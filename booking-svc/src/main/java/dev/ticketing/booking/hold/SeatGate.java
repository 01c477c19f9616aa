package dev.ticketing.booking.hold;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The seat availability gate: a Redis sorted set per showtime ({@code seats:{showtimeId}:taken}, member = seat id,
 * score = epoch ms until which the seat is taken, +inf when sold). In the on-sale minute most hold attempts are for
 * seats someone already has; the gate refuses those without a PostgreSQL transaction.
 *
 * PostgreSQL stays the authority: the gate may only say "taken" for a seat the database says is taken (or was, until
 * a recorded deadline). Entries are written after commit, expire by their score, are corrected whenever the database
 * refuses a seat the gate let through, and a lost removal is healed by {@link #replace}. If Redis is unavailable the
 * gate opens and every attempt goes to the database.
 */
@ApplicationScoped
public class SeatGate {

    private final RedisDataSource redis;
    private final SortedSetCommands<String, String> zset;
    private final TransactionSynchronizationRegistry tx;
    private final Counter refusals;
    private final Counter unavailable;

    public SeatGate(RedisDataSource redis, TransactionSynchronizationRegistry tx, MeterRegistry metrics) {
        this.redis = redis;
        this.zset = redis.sortedSet(String.class);
        this.tx = tx;
        this.refusals = metrics.counter("booking.seat_gate.refusals");
        this.unavailable = metrics.counter("booking.seat_gate.unavailable");
    }

    static String key(String showtimeId) {
        return "seats:{" + showtimeId + "}:taken";
    }

    /**
     * One round trip: the requested seats whose "taken until" lies in the future, minus the seats this user holds
     * (re-holding your own seats replaces your hold, which only the database can decide).
     */
    private static final String TAKEN_BY_OTHERS = """
            local now = tonumber(ARGV[1])
            local out = {}
            for i = 2, #ARGV do
              local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
              if score and tonumber(score) > now and redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then
                out[#out + 1] = ARGV[i]
              end
            end
            return out
            """;

    /** The requested seats the gate knows someone else has right now (empty when unsure or Redis is down). */
    public List<String> taken(String showtimeId, String userId, List<String> seatIds) {
        try {
            List<String> args = new ArrayList<>(seatIds.size() + 1);
            args.add(Long.toString(System.currentTimeMillis()));
            args.addAll(seatIds);
            io.vertx.mutiny.redis.client.Response r = redis.execute("EVAL", Stream.concat(
                    Stream.of(TAKEN_BY_OTHERS, "2", key(showtimeId), userKey(showtimeId, userId)), args.stream())
                    .toArray(String[]::new));
            List<String> taken = new ArrayList<>();
            if (r != null) {
                r.forEach(x -> taken.add(x.toString()));
            }
            if (!taken.isEmpty()) {
                refusals.increment();
            }
            return taken;
        } catch (RuntimeException e) {
            unavailable.increment();
            Log.debugf("seat gate unavailable, asking the database: %s", e.getMessage());
            return List.of();
        }
    }

    static String userKey(String showtimeId, String userId) {
        return "seats:{" + showtimeId + "}:user:" + userId;
    }

    /** After commit: these seats are taken until the given times, and they are this user's current hold. */
    public void markTakenAfterCommit(String showtimeId, String userId, Map<String, Long> untilMillisBySeat) {
        afterCommit(() -> {
            markTaken(showtimeId, untilMillisBySeat);
            try {
                String userKey = userKey(showtimeId, userId);
                redis.key().del(userKey);
                redis.set(String.class).sadd(userKey, untilMillisBySeat.keySet().toArray(String[]::new));
                long until = untilMillisBySeat.values().stream().mapToLong(Long::longValue).max().orElse(0);
                redis.key().pexpireat(userKey, until);
            } catch (RuntimeException e) {
                Log.debugf("seat gate not updated (the database stays right): %s", e.getMessage());
            }
        });
    }

    /** Marks seats taken until {@code untilMillis} (Long.MAX_VALUE = sold) once the current transaction commits. */
    public void markTakenAfterCommit(String showtimeId, Map<String, Long> untilMillisBySeat) {
        afterCommit(() -> markTaken(showtimeId, untilMillisBySeat));
    }

    public void markTaken(String showtimeId, Map<String, Long> untilMillisBySeat) {
        if (untilMillisBySeat.isEmpty()) {
            return;
        }
        try {
            List<ScoredValue<String>> values = new ArrayList<>();
            untilMillisBySeat.forEach((seat, until) -> values.add(
                    new ScoredValue<>(seat, until == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : until.doubleValue())));
            zset.zadd(key(showtimeId), values.toArray(ScoredValue[]::new));
        } catch (RuntimeException e) {
            Log.debugf("seat gate not updated (the database stays right): %s", e.getMessage());
        }
    }

    /** Seats back on sale once the current transaction commits. */
    public void releaseAfterCommit(String showtimeId, Collection<String> seatIds) {
        if (seatIds.isEmpty()) {
            return;
        }
        List<String> copy = List.copyOf(seatIds);
        afterCommit(() -> {
            try {
                zset.zrem(key(showtimeId), copy.toArray(String[]::new));
            } catch (RuntimeException e) {
                Log.debugf("seat gate not updated (the database stays right): %s", e.getMessage());
            }
        });
    }

    /** Replaces a showtime's gate with what the database says (reconciliation). */
    public void replace(String showtimeId, Map<String, Long> untilMillisBySeat) {
        try {
            redis.key().del(key(showtimeId));
            markTaken(showtimeId, untilMillisBySeat);
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
