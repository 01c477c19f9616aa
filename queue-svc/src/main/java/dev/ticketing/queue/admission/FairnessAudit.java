package dev.ticketing.queue.admission;

import dev.ticketing.queue.room.RoomKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.list.ListCommands;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.Arrays;
import java.util.List;

/**
 * Fairness is measured, not assumed: the admit script appends "arrival reentered user" to the room's audit list in
 * admission order. Among users who never re-entered, every pair admitted in the opposite order of arrival is an
 * inversion; a fair room has none. A room with a scheduled opening has two phases: the drawn pre-queue (whose
 * "arrival" is its draw score, so the same rule checks that admissions follow the draw) and the later arrivals.
 */
@ApplicationScoped
public class FairnessAudit {

    /** {@code overtaken}: up to 50 users (never re-entered) admitted after someone who arrived later than they did. */
    public record Report(String performanceId, long admitted, long reentered, long inversions, long outOfOrderAdmissions,
                         List<String> overtaken, Phases phases, Draw draw) {
    }

    /** The two phases of a scheduled opening: the drawn pre-queue, then everyone who arrived after the opening. */
    public record Phases(Phase draw, Phase arrival) {
    }

    /** Admissions of one phase; {@code inversions} among those who never re-entered, against the phase's own order. */
    public record Phase(long admitted, long reentered, long inversions) {
    }

    /**
     * The opening draw of a room with {@code opensAt}: the seed is published once the draw has started (null before),
     * so anyone can re-run it from the seed and the entrants ({@code GET …/audit/draw}).
     */
    public record Draw(Instant opensAt, String seed, Instant startedAt, Instant doneAt, long entrants, String algorithm) {
    }

    /** One drawn fan: 1-based place in the draw, user id, SHA-1(seed ":" user) in hex. */
    public record Drawn(long place, String user, String hash) {
    }

    /** A page of the draw in draw order. */
    public record DrawPage(String performanceId, String seed, long entrants, long offset, List<Drawn> order) {
    }

    public static final String ALGORITHM = "order the entrants by the first 12 hex digits of SHA-1(seed + \":\" + userId) "
            + "read as an unsigned number, ascending; equal numbers by userId (byte order)";

    /** Drawn fans' scores are 48-bit hash prefixes; arrivals' are epoch ms * 1000, far above. */
    private static final long DRAWN_BELOW = 1L << 48;

    private final ListCommands<String, String> lists;
    private final HashCommands<String, String, String> hashes;

    public FairnessAudit(RedisDataSource redis) {
        this.lists = redis.list(String.class, String.class);
        this.hashes = redis.hash(String.class, String.class, String.class);
    }

    public Report report(String performanceId) {
        RoomKeys keys = new RoomKeys(performanceId);
        List<String> audit = lists.lrange(keys.audit(), 0, -1);
        long[] arrivals = new long[audit.size()];
        long[] drawn = new long[audit.size()];
        long[] later = new long[audit.size()];
        int n = 0;
        int nd = 0;
        int nl = 0;
        long drawnAdmitted = 0;
        long latestArrival = Long.MIN_VALUE;
        List<String> overtaken = new ArrayList<>();
        for (String line : audit) {
            String[] f = line.split(" ", 3);
            long arrival = Long.parseLong(f[0]);
            boolean wasDrawn = arrival < DRAWN_BELOW;
            if (wasDrawn) {
                drawnAdmitted++;
            }
            if (f[1].equals("0")) {
                arrivals[n++] = arrival;
                if (wasDrawn) {
                    drawn[nd++] = arrival;
                } else {
                    later[nl++] = arrival;
                }
                if (arrival < latestArrival && overtaken.size() < 50 && f.length > 2) {
                    overtaken.add(f[2]);
                }
                latestArrival = Math.max(latestArrival, arrival);
            }
        }
        String ooo = hashes.hget(keys.key(RoomKeys.Key.STATS), "inversions");
        Phases phases = new Phases(
                new Phase(drawnAdmitted, drawnAdmitted - nd, inversions(Arrays.copyOf(drawn, nd))),
                new Phase(audit.size() - drawnAdmitted, audit.size() - drawnAdmitted - nl, inversions(Arrays.copyOf(later, nl))));
        return new Report(performanceId, audit.size(), audit.size() - n, inversions(Arrays.copyOf(arrivals, n)),
                ooo == null ? 0 : Long.parseLong(ooo), overtaken, phases, draw(keys));
    }

    private Draw draw(RoomKeys keys) {
        Map<String, String> stats = hashes.hgetall(keys.key(RoomKeys.Key.STATS));
        String opensAt = hashes.hget(keys.config(), "opensAt");
        if (opensAt == null && !stats.containsKey("drawSeed")) {
            return null;
        }
        String recorded = stats.getOrDefault("drawOpensAt", opensAt);
        return new Draw(instant(recorded), stats.get("drawSeed"), instant(stats.get("drawStartedAt")),
                instant(stats.get("drawDoneAt")), Long.parseLong(stats.getOrDefault("drawn", "0")), ALGORITHM);
    }

    /** The draw in draw order, from {@code offset}, at most {@code limit}; empty before the draw has started. */
    public DrawPage drawPage(String performanceId, int offset, int limit) {
        RoomKeys keys = new RoomKeys(performanceId);
        String seed = hashes.hget(keys.key(RoomKeys.Key.STATS), "drawSeed");
        List<String[]> all = new ArrayList<>();
        for (String line : lists.lrange(keys.key(RoomKeys.Key.DRAW), 0, -1)) {
            all.add(line.split(" ", 2));
        }
        // Redis orders equal scores by member bytes; the 12-digit prefix decides first, then the user id.
        all.sort(Comparator.<String[], String>comparing(e -> e[0].substring(0, 12))
                .thenComparing(e -> e[1], FairnessAudit::compareBytes));
        List<Drawn> page = new ArrayList<>();
        for (int i = offset; i < all.size() && page.size() < limit; i++) {
            page.add(new Drawn(i + 1L, all.get(i)[1], all.get(i)[0]));
        }
        return new DrawPage(performanceId, seed, all.size(), offset, page);
    }

    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static Instant instant(String epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis));
    }

    /** Pairs i < j with a[i] > a[j], by merge sort (O(n log n) over up to queue.audit-max admissions). */
    static long inversions(long[] a) {
        if (a.length < 2) {
            return 0;
        }
        long[] tmp = new long[a.length];
        return sortCount(a, tmp, 0, a.length);
    }

    private static long sortCount(long[] a, long[] tmp, int lo, int hi) {
        if (hi - lo < 2) {
            return 0;
        }
        int mid = (lo + hi) >>> 1;
        long count = sortCount(a, tmp, lo, mid) + sortCount(a, tmp, mid, hi);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
            if (a[i] <= a[j]) {
                tmp[k++] = a[i++];
            } else {
                count += mid - i;
                tmp[k++] = a[j++];
            }
        }
        while (i < mid) {
            tmp[k++] = a[i++];
        }
        while (j < hi) {
            tmp[k++] = a[j++];
        }
        System.arraycopy(tmp, lo, a, lo, hi - lo);
        return count;
    }
}
