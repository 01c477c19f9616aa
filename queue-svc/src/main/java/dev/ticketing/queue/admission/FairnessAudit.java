package dev.ticketing.queue.admission;

import dev.ticketing.queue.room.RoomKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.list.ListCommands;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fairness is measured, not assumed: the admit script appends "arrival reentered user" to the room's audit list in
 * admission order. Among users who never re-entered, every pair admitted in the opposite order of arrival is an
 * inversion; a fair room has none.
 */
@ApplicationScoped
public class FairnessAudit {

    /** {@code overtaken}: up to 50 users (never re-entered) admitted after someone who arrived later than they did. */
    public record Report(String performanceId, long admitted, long reentered, long inversions, long outOfOrderAdmissions,
                         List<String> overtaken) {
    }

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
        int n = 0;
        long latestArrival = Long.MIN_VALUE;
        List<String> overtaken = new ArrayList<>();
        for (String line : audit) {
            String[] f = line.split(" ", 3);
            if (f[1].equals("0")) {
                long arrival = Long.parseLong(f[0]);
                arrivals[n++] = arrival;
                if (arrival < latestArrival && overtaken.size() < 50 && f.length > 2) {
                    overtaken.add(f[2]);
                }
                latestArrival = Math.max(latestArrival, arrival);
            }
        }
        String ooo = hashes.hget(keys.key(RoomKeys.Key.STATS), "inversions");
        return new Report(performanceId, audit.size(), audit.size() - n, inversions(Arrays.copyOf(arrivals, n)),
                ooo == null ? 0 : Long.parseLong(ooo), overtaken);
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
