package dev.ticketing.queue;

import dev.ticketing.queue.admission.FairnessAudit;
import dev.ticketing.queue.room.RoomKeys;
import dev.ticketing.queue.room.Rooms;
import dev.ticketing.queue.waitingroom.EntryStatus;
import dev.ticketing.queue.waitingroom.WaitingRoom;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.ticketing.queue.QueueTestSupport.adminToken;
import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.enter;
import static dev.ticketing.queue.QueueTestSupport.me;
import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission is one Lua script: capacity holds under racing admitters, sessions expire, order is fair. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class AdmissionTest {

    @Inject
    Rooms rooms;

    @Inject
    WaitingRoom room;

    @Inject
    RedisDataSource redis;

    @Inject
    FairnessAudit audit;

    /**
     * Several admitters (as several pods would) race the admit script while slots are freed concurrently; every
     * script reports the active size it left, and a watcher samples it: it never exceeds capacity.
     */
    @Test
    void concurrentAdmittersNeverExceedCapacity() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            for (int round = 0; round < 12; round++) {
                int capacity = 1 + round % 5;
                String id = openRoom(rooms, capacity, 600, 10_000);
                List<String> users = new ArrayList<>();
                // more fans than the churners can ever finish (2 x 60 leaves) plus capacity: the line never runs dry,
                // so every freed slot must be refilled
                for (int i = 0; i < 200; i++) {
                    String u = newUser();
                    users.add(u);
                    room.enter(id, u, null).await().indefinitely();
                }
                AtomicBoolean done = new AtomicBoolean();
                AtomicLong maxSeen = new AtomicLong();
                ConcurrentLinkedQueue<String> admittedByRacers = new ConcurrentLinkedQueue<>();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    jobs.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 150 && !done.get(); i++) {
                            WaitingRoom.AdmitRound r = room.admit(id).await().indefinitely();
                            maxSeen.accumulateAndGet(r.active(), Math::max);
                            r.admitted().forEach(a -> admittedByRacers.add(a.admission().userId()));
                        }
                        return null;
                    }));
                }
                for (int t = 0; t < 2; t++) {
                    // Churn: admitted users finish (leave); the racers (and the scheduler) refill the slot.
                    jobs.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 60; i++) {
                            List<String> active = redis.sortedSet(String.class).zrange(new RoomKeys(id).active(), 0, -1);
                            if (!active.isEmpty()) {
                                room.leave(id, active.get(ThreadLocalRandom.current().nextInt(active.size()))).await().indefinitely();
                            }
                        }
                        return null;
                    }));
                }
                jobs.add(pool.submit(() -> {
                    start.await();
                    while (!done.get()) {
                        maxSeen.accumulateAndGet(redis.sortedSet(String.class).zcard(new RoomKeys(id).active()), Math::max);
                        // The sessions booking-svc honours are capped by the same capacity.
                        maxSeen.accumulateAndGet(redis.hash(String.class).hlen(new RoomKeys(id).sessions()), Math::max);
                    }
                    return null;
                }));
                start.countDown();
                for (int j = 0; j < 6; j++) {
                    jobs.get(j).get(120, TimeUnit.SECONDS);
                }
                // The last leaves may come after the racers' last round: the scheduled round refills those slots.
                await("slots refilled", Duration.ofSeconds(10),
                        () -> redis.sortedSet(String.class).zcard(new RoomKeys(id).active()) == capacity);
                done.set(true);
                jobs.get(6).get(30, TimeUnit.SECONDS);

                assertTrue(maxSeen.get() <= capacity, "round " + round + ": saw " + maxSeen.get() + " active > capacity " + capacity);
                assertEquals(capacity, redis.sortedSet(String.class).zcard(new RoomKeys(id).active()), "slots are refilled");
                List<String> log = redis.list(String.class).lrange(new RoomKeys(id).audit(), 0, -1);
                Set<String> once = new HashSet<>();
                for (String line : log) {
                    assertTrue(once.add(line.split(" ")[2]), "nobody is admitted twice: " + line);
                }
                assertTrue(once.containsAll(admittedByRacers));
                assertEquals(0, audit.report(id).inversions());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void expiredSessionsAreReapedAndTheirSlotsReused() {
        // Real expiry: a 1-second session, reaped by the scheduled admission round.
        String id = openRoom(rooms, 1, 1, 100);
        String first = newUser();
        String second = newUser();
        enter(id, first).body("status", equalTo("ADMITTED"));
        enter(id, second).body("status", equalTo("WAITING"));
        await("the second user to be admitted after the first session expired", Duration.ofSeconds(15),
                () -> "ADMITTED".equals(me(id, second).extract().path("status")));
        me(id, first).statusCode(404);

        // An active entry whose expiry has passed does not hold a slot: the admit script reaps it first.
        String other = openRoom(rooms, 1, 600, 100);
        redis.sortedSet(String.class).zadd(new RoomKeys(other).active(), System.currentTimeMillis() - 1000, "ghost");
        String waiting = newUser();
        room.enter(other, waiting, null).await().indefinitely();
        room.admit(other).await().indefinitely();
        assertEquals(List.of(waiting), redis.sortedSet(String.class).zrange(new RoomKeys(other).active(), 0, -1));
    }

    @Test
    void admitRateIsCappedPerSecondAcrossAdmitters() {
        String id = openRoom(rooms, 1000, 600, 3);
        for (int i = 0; i < 30; i++) {
            room.enter(id, newUser(), null).await().indefinitely();
        }
        long start = System.currentTimeMillis();
        for (int i = 0; i < 10; i++) {
            room.admit(id).await().indefinitely();
        }
        long elapsedSeconds = (System.currentTimeMillis() - start) / 1000;
        long active = redis.sortedSet(String.class).zcard(new RoomKeys(id).active());
        // 3 per second of Redis time (at most 2 seconds touched by 10 quick calls plus the scheduler's).
        assertTrue(active <= 3 * (elapsedSeconds + 2), "admitted " + active);
        assertTrue(active >= 3);
    }

    /**
     * Users enter one by one in a known order while admitters and finishing sessions race; some re-enter. Admission
     * order of everyone who did not re-enter equals their arrival order, and the audit counts 0 inversions.
     */
    @Test
    void admissionOrderEqualsArrivalOrder() throws Exception {
        String id = openRoom(rooms, 3, 600, 10_000);
        List<String> arrivals = new ArrayList<>();
        Set<String> reentered = new HashSet<>();
        AtomicBoolean done = new AtomicBoolean();
        // Racers hold the read lock per step; a re-entry takes the write lock so "is still waiting" stays true.
        ReentrantReadWriteLock freeze = new ReentrantReadWriteLock();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> racers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            racers.add(pool.submit(() -> {
                while (!done.get()) {
                    freeze.readLock().lock();
                    try {
                        room.admit(id).await().indefinitely();
                        List<String> active = redis.sortedSet(String.class).zrange(new RoomKeys(id).active(), 0, -1);
                        if (!active.isEmpty()) {
                            room.leave(id, active.get(0)).await().indefinitely();
                            room.admit(id).await().indefinitely(); // full again before the lock is let go
                        }
                    } finally {
                        freeze.readLock().unlock();
                    }
                    Thread.sleep(20); // slower than arrivals, so a line builds up
                }
                return null;
            }));
        }
        for (int i = 0; i < 80; i++) {
            String u = newUser();
            arrivals.add(u);
            room.enter(id, u, null).await().indefinitely();
            if (i % 9 == 4) {
                // A page refresh of someone who arrived earlier: back of the line, excluded from the fairness claim.
                freeze.writeLock().lock();
                try {
                    // While frozen the active set is full (the last leave refilled it), so nobody waiting moves.
                    for (String earlier : arrivals) {
                        var status = room.status(id, earlier).await().indefinitely();
                        if (status != null && status.status() == EntryStatus.Status.WAITING && !reentered.contains(earlier)) {
                            reentered.add(earlier);
                            assertEquals(EntryStatus.Status.WAITING, room.enter(id, earlier, null).await().indefinitely().status().status());
                            break;
                        }
                    }
                } finally {
                    freeze.writeLock().unlock();
                }
            }
        }
        await("everyone admitted", Duration.ofSeconds(60),
                () -> redis.sortedSet(String.class).zcard(new RoomKeys(id).waiting()) == 0);
        done.set(true);
        for (Future<?> f : racers) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> admittedInOrder = new ArrayList<>();
        for (String line : redis.list(String.class).lrange(new RoomKeys(id).audit(), 0, -1)) {
            String user = line.split(" ")[2];
            if (!reentered.contains(user)) {
                admittedInOrder.add(user);
            }
        }
        List<String> expected = arrivals.stream().filter(u -> !reentered.contains(u)).toList();
        assertEquals(expected, admittedInOrder);
        assertTrue(reentered.size() > 0, "the scenario re-entered someone");
        given().auth().oauth2(adminToken()).get("/api/queues/{p}/audit", id).then().statusCode(200)
                .body("admitted", equalTo(80)).body("inversions", equalTo(0)).body("outOfOrderAdmissions", equalTo(0))
                .body("reentered", equalTo(reentered.size()));
        given().auth().oauth2(QueueTestSupport.token(newUser())).get("/api/queues/{p}/audit", id).then().statusCode(403);
    }

    @Test
    void inversionCounterCountsPairs() throws Exception {
        var method = FairnessAudit.class.getDeclaredMethod("inversions", long[].class);
        method.setAccessible(true);
        assertEquals(0L, method.invoke(null, (Object) new long[] {1, 2, 3, 4}));
        assertEquals(2L, method.invoke(null, (Object) new long[] {3, 1, 2}));
        assertEquals(6L, method.invoke(null, (Object) new long[] {4, 3, 2, 1}));
    }

    private String sid(String id, String user) {
        return redis.hash(String.class).hget(new RoomKeys(id).sessions(), user);
    }

    private String admissionToken(String id, String user) {
        return me(id, user).statusCode(200).body("status", equalTo("ADMITTED")).extract().path("admissionToken");
    }

    /**
     * An admission lasts only as long as the place: its session id (the token's sid, what booking-svc checks) goes
     * when the booking completes or is abandoned, the fan leaves, or the session expires; a new admission gets a new
     * session and a new token, signed once and then read back unchanged.
     */
    @Test
    void theSessionEndsWithThePlaceAndANewAdmissionGetsANewOne() {
        String id = openRoom(rooms, 5, 600, 100);
        String fan = newUser();
        enter(id, fan).statusCode(201).body("status", equalTo("ADMITTED"));
        String first = sid(id, fan);
        String token = admissionToken(id, fan);
        assertEquals(token, admissionToken(id, fan), "signed once per admission, not on every read");
        assertEquals(token, enter(id, fan).statusCode(200).extract().path("admissionToken"));

        // BookingCompleted / BookingAbandoned
        assertTrue(room.release(UUID.randomUUID().toString(), id, fan).await().indefinitely());
        assertEquals(null, sid(id, fan));
        me(id, fan).statusCode(404);

        // Admitted again: a new session, a new token.
        enter(id, fan).statusCode(201).body("status", equalTo("ADMITTED"));
        String second = sid(id, fan);
        assertTrue(second != null && !second.equals(first), first + " then " + second);
        String again = admissionToken(id, fan);
        assertTrue(!again.equals(token));

        // Leaving ends it too.
        given().auth().oauth2(QueueTestSupport.token(fan)).delete("/api/queues/{p}/entries/me", id).then().statusCode(204);
        assertEquals(null, sid(id, fan));
    }

    @Test
    void anExpiredSessionIsReapedWithItsSessionId() {
        String id = openRoom(rooms, 1, 1, 100);
        String fan = newUser();
        // (The session id is there on admission — the test above; with a 1 s session it may already be gone here.)
        enter(id, fan).body("status", equalTo("ADMITTED"));
        await("the expired session reaped", Duration.ofSeconds(10), () -> sid(id, fan) == null);
        me(id, fan).statusCode(404);
    }
}
