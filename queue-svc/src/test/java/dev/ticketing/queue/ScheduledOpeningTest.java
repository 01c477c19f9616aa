package dev.ticketing.queue;

import dev.ticketing.queue.admission.FairnessAudit;
import dev.ticketing.queue.room.RoomConfigRequest;
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
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.ticketing.queue.QueueTestSupport.adminToken;
import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.enter;
import static dev.ticketing.queue.QueueTestSupport.leave;
import static dev.ticketing.queue.QueueTestSupport.me;
import static dev.ticketing.queue.QueueTestSupport.newPerformanceId;
import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scheduled opening: fans who come early wait in a pre-queue and are drawn into a uniformly random order at
 * {@code opensAt}, ahead of everyone who arrives later; the draw is published so anyone can re-run it.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class ScheduledOpeningTest {

    @Inject
    Rooms rooms;

    @Inject
    WaitingRoom waitingRoom;

    @Inject
    FairnessAudit audit;

    @Inject
    RedisDataSource redis;

    @Test
    void fansWhoComeEarlyAreDrawnAheadOfLaterArrivalsAndTheDrawCanBeReRun() throws Exception {
        String room = openRoom(rooms, 100, 600, 1000);
        configure(room, OffsetDateTime.now(ZoneOffset.ofHours(9)).plusHours(1)).statusCode(200)
                .body("opensAt", notNullValue());

        List<String> early = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String fan = newUser();
            early.add(fan);
            String ticket = enter(room, fan).statusCode(201)
                    .body("status", equalTo("BEFORE_OPENING")).body("position", equalTo(0))
                    .body("opensAt", notNullValue())
                    .body("opensInSeconds", allOf(greaterThan(3500), lessThanOrEqualTo(3600)))
                    .extract().path("ticket");
            // Entering again before the opening keeps the one entry and its ticket: no better odds, no penalty.
            enter(room, fan).statusCode(200).body("status", equalTo("BEFORE_OPENING")).body("ticket", equalTo(ticket));
        }
        for (int i = 0; i < 5; i++) {
            enter(room, early.get(0)).statusCode(200);
        }
        assertEquals(12, redis.set(String.class).scard(new RoomKeys(room).key(RoomKeys.Key.PREQUEUE)));
        me(room, early.get(1)).statusCode(200).body("status", equalTo("BEFORE_OPENING"));
        // Leaving the pre-queue takes the fan out of the draw.
        String quitter = newUser();
        enter(room, quitter).statusCode(201);
        leave(room, quitter);
        me(room, quitter).statusCode(404);
        // The seed is not known before the draw.
        assertEquals(null, audit.report(room).draw().seed());

        // The organiser brings the opening forward (allowed until it has happened).
        OffsetDateTime opensAt = OffsetDateTime.now(ZoneOffset.ofHours(9)).plusSeconds(1);
        configure(room, opensAt).statusCode(200);
        await("the opening draw", Duration.ofSeconds(15), () -> audit.report(room).draw().seed() != null);
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String fan = newUser();
            later.add(fan);
            enter(room, fan).statusCode(201);
        }
        await("everyone admitted", Duration.ofSeconds(15), () -> audit.report(room).admitted() == 18);

        FairnessAudit.Report report = audit.report(room);
        assertEquals(0, report.inversions());
        assertEquals(0, report.outOfOrderAdmissions());
        assertEquals(new FairnessAudit.Phase(12, 0, 0), report.phases().draw());
        assertEquals(new FairnessAudit.Phase(6, 0, 0), report.phases().arrival());
        assertEquals(12, report.draw().entrants());
        assertNotNull(report.draw().doneAt());
        assertEquals(opensAt.toInstant().toEpochMilli(), report.draw().opensAt().toEpochMilli());

        // Re-run the draw from the published seed and entrants: the same order, and the admissions followed it.
        FairnessAudit.DrawPage page = audit.drawPage(room, 0, 100);
        List<String> drawOrder = page.order().stream().map(FairnessAudit.Drawn::user).toList();
        assertEquals(rerun(report.draw().seed(), early), drawOrder);
        List<String> admissionOrder = redis.list(String.class).lrange(new RoomKeys(room).audit(), 0, -1).stream()
                .map(line -> line.split(" ", 3)[2]).toList();
        List<String> expected = new ArrayList<>(drawOrder);
        expected.addAll(later);
        assertEquals(expected, admissionOrder, "the draw first, then the later arrivals in arrival order");

        // The admin's view over HTTP: both phases and the seed.
        given().auth().oauth2(adminToken()).get("/api/queues/{p}/audit", room).then().statusCode(200)
                .body("phases.draw.admitted", equalTo(12)).body("phases.arrival.inversions", equalTo(0))
                .body("draw.seed", equalTo(report.draw().seed())).body("draw.algorithm", notNullValue());
        given().auth().oauth2(adminToken()).get("/api/queues/{p}/audit/draw?limit=5", room).then().statusCode(200)
                .body("entrants", equalTo(12)).body("order.size()", equalTo(5)).body("order[0].place", equalTo(1));
        given().auth().oauth2(adminToken()).get("/api/queues/{p}/audit/draw?limit=0", room).then().statusCode(400);
    }

    /**
     * A pre-queued fan whose last socket closed is dropped after the grace period (3 s in tests), like a waiting one —
     * a socket coming back in time keeps the entry; entering again before the opening restores the same odds.
     */
    @Test
    void aPreQueuedFanWhoseSocketClosedIsDroppedAfterTheGracePeriod() {
        String room = openRoom(rooms, 100, 600, 1000);
        configure(room, OffsetDateTime.now().plusHours(1)).statusCode(200);
        String gone = newUser();
        String back = newUser();
        enter(room, gone).statusCode(201).body("status", equalTo("BEFORE_OPENING"));
        enter(room, back).statusCode(201).body("status", equalTo("BEFORE_OPENING"));
        waitingRoom.disconnected(room, gone).await().atMost(Duration.ofSeconds(5));
        waitingRoom.disconnected(room, back).await().atMost(Duration.ofSeconds(5));
        // back's socket returns (any pod's push clears the mark); gone's never does.
        waitingRoom.positions(room, List.of(back), true).await().atMost(Duration.ofSeconds(5));

        await("the silent fan dropped from the pre-queue", Duration.ofSeconds(15),
                () -> me(room, gone).extract().statusCode() == 404);
        me(room, back).statusCode(200).body("status", equalTo("BEFORE_OPENING"));
        assertEquals(1, redis.set(String.class).scard(new RoomKeys(room).key(RoomKeys.Key.PREQUEUE)));
        enter(room, gone).statusCode(201).body("status", equalTo("BEFORE_OPENING"));
    }

    @Test
    void theOpeningTimeMovesOnlyUntilTheRoomHasOpened() {
        String room = openRoom(rooms, 1, 600, 100);
        OffsetDateTime first = OffsetDateTime.now().plusHours(1);
        configure(room, first).statusCode(200);
        OffsetDateTime moved = first.plusMinutes(30);
        configure(room, moved).statusCode(200)
                .body("opensAt", equalTo(moved.toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString()));
        String fan = newUser();
        enter(room, fan).statusCode(201).body("status", equalTo("BEFORE_OPENING"));

        // Open now: the pre-queue is drawn by the next round and the fan is admitted.
        configure(room, OffsetDateTime.now().minusSeconds(1)).statusCode(200);
        await("the pre-queued fan admitted", Duration.ofSeconds(10),
                () -> "ADMITTED".equals(me(room, fan).statusCode(200).extract().path("status")));

        // Now the room has opened: a new opening time would reorder fans in line.
        configure(room, OffsetDateTime.now().plusHours(2)).statusCode(409)
                .contentType("application/problem+json").body("detail", notNullValue());
        // Changing the capacity without opensAt keeps the recorded opening.
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON)
                .body(Map.of("capacity", 5, "sessionTtlSeconds", 600))
                .put("/api/queues/{p}/config", room).then().statusCode(200)
                .body("capacity", equalTo(5)).body("opensAt", notNullValue());
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON)
                .body("{\"capacity\":5,\"sessionTtlSeconds\":600,\"opensAt\":\"tomorrow\"}")
                .put("/api/queues/{p}/config", room).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aFanFirstInLineWaitsForTheNextFreeSlotAndHearsWhenAdmissionsStall() {
        String room = openRoom(rooms, 1, 600, 100);
        enter(room, newUser()).statusCode(201).body("status", equalTo("ADMITTED"));
        String next = newUser();
        enter(room, next).statusCode(201).body("position", equalTo(1))
                .body("estimatedWaitSeconds", greaterThan(0)).body("admissionsStalled", nullValue());
        // Nobody admitted during the whole window (as if the window had passed) while the room is full.
        redis.key().del(new RoomKeys(room).key(RoomKeys.Key.RATE));
        me(room, next).statusCode(200).body("position", equalTo(1))
                .body("admissionsStalled", equalTo(true)).body("estimatedWaitSeconds", greaterThan(0));
    }

    /**
     * The draw is uniform: 600 rooms of 3 pre-queued fans, every one of the 6 orders should come up about 100 times.
     * Chi-square with 5 degrees of freedom against the p = 1e-6 critical value (35.89), so a fair draw fails this
     * test about once in a million runs; a biased one (say, in entry order, or the first to enter always drawn first) fails every time.
     */
    @Test
    void theDrawIsUniformOverManyRooms() {
        int roomsCount = 600;
        List<String> ids = new ArrayList<>();
        List<List<String>> entrants = new ArrayList<>();
        for (int r = 0; r < roomsCount; r++) {
            String id = newPerformanceId();
            rooms.applyPerformanceEvent(UUID.randomUUID().toString(), id, 1, true);
            rooms.configure(id, new RoomConfigRequest(100, 600, 1000, OffsetDateTime.now().plusHours(1)));
            List<String> fans = List.of(newUser(), newUser(), newUser());
            for (String fan : fans) {
                EntryStatus s = waitingRoom.enter(id, fan, null).await().atMost(Duration.ofSeconds(5)).status();
                assertEquals(EntryStatus.Status.BEFORE_OPENING, s.status());
            }
            ids.add(id);
            entrants.add(fans);
        }
        long[] orders = new long[6];
        long[] firstPlace = new long[3];
        try {
            for (int r = 0; r < roomsCount; r++) {
                String id = ids.get(r);
                rooms.configure(id, new RoomConfigRequest(100, 600, 1000, OffsetDateTime.now().minusSeconds(1)));
                waitingRoom.admit(id).await().atMost(Duration.ofSeconds(5));
                FairnessAudit.DrawPage page = audit.drawPage(id, 0, 10);
                List<String> drawn = page.order().stream().map(FairnessAudit.Drawn::user).toList();
                assertEquals(rerun(page.seed(), entrants.get(r)), drawn, "the published draw re-runs");
                List<String> fans = entrants.get(r);
                int[] perm = drawn.stream().mapToInt(fans::indexOf).toArray();
                orders[permutationIndex(perm)]++;
                firstPlace[perm[0]]++;
            }
        } finally {
            for (String id : ids) {
                rooms.applyPerformanceEvent(UUID.randomUUID().toString(), id, 2, false);
            }
        }
        double chi = chiSquare(orders, roomsCount / 6.0);
        assertTrue(chi < 35.89, "orders " + Arrays.toString(orders) + " chi-square " + chi);
        double chiFirst = chiSquare(firstPlace, roomsCount / 3.0);
        assertTrue(chiFirst < 27.63, "first places " + Arrays.toString(firstPlace) + " chi-square " + chiFirst);
        // Entry order must not leak into the draw: the fan who entered first is not favoured.
        assertTrue(Arrays.stream(orders).allMatch(c -> c > 0), Arrays.toString(orders));
    }

    private static io.restassured.response.ValidatableResponse configure(String room, OffsetDateTime opensAt) {
        return given().auth().oauth2(adminToken()).contentType(ContentType.JSON)
                .body(Map.of("capacity", 100, "sessionTtlSeconds", 600, "admitPerSecond", 1000,
                        "opensAt", opensAt.toString()))
                .put("/api/queues/{p}/config", room).then();
    }

    /** The documented algorithm, written independently of the server: what an outside auditor would run. */
    static List<String> rerun(String seed, List<String> entrants) throws RuntimeException {
        return entrants.stream()
                .map(u -> new String[]{sha1(seed + ":" + u).substring(0, 12), u})
                .sorted(Comparator.<String[], Long>comparing(e -> Long.parseLong(e[0], 16))
                        .thenComparing(e -> e[1].getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned))
                .map(e -> e[1]).toList();
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int permutationIndex(int[] p) {
        // Lehmer code of a permutation of {0, 1, 2}.
        int index = 0;
        for (int i = 0; i < p.length; i++) {
            int smaller = 0;
            for (int j = i + 1; j < p.length; j++) {
                if (p[j] < p[i]) {
                    smaller++;
                }
            }
            index = index * (p.length - i) + smaller;
        }
        return index;
    }

    private static double chiSquare(long[] observed, double expected) {
        double chi = 0;
        for (long o : observed) {
            chi += (o - expected) * (o - expected) / expected;
        }
        return chi;
    }
}
