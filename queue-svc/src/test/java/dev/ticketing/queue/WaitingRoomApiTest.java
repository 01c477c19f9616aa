package dev.ticketing.queue;

import dev.ticketing.queue.room.RoomKeys;
import dev.ticketing.queue.room.Rooms;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.ticketing.queue.QueueTestSupport.adminToken;
import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.enter;
import static dev.ticketing.queue.QueueTestSupport.leave;
import static dev.ticketing.queue.QueueTestSupport.me;
import static dev.ticketing.queue.QueueTestSupport.newPerformanceId;
import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;
import static dev.ticketing.queue.QueueTestSupport.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST contract of the waiting room (docs/api.md). */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class WaitingRoomApiTest {

    @Inject
    Rooms rooms;

    @Inject
    RedisDataSource redis;

    @Test
    void enterLookAndLeave() {
        String room = openRoom(rooms, 1, 600, 100);
        String first = newUser();
        String second = newUser();
        String third = newUser();

        enter(room, first).statusCode(201).body("status", equalTo("ADMITTED"))
                .body("admissionToken", notNullValue()).body("ticket", notNullValue());
        enter(room, second).statusCode(201).contentType("application/json")
                .body("status", equalTo("WAITING")).body("position", equalTo(1)).body("ahead", equalTo(0))
                // The fan's own turn counts: next in a full room is the time to the next free slot, not "0 s".
                .body("estimatedWaitSeconds", greaterThan(0)).body("admissionToken", nullValue())
                // someone was admitted a moment ago: not stalled
                .body("admissionsStalled", nullValue());
        enter(room, third).statusCode(201)
                .body("status", equalTo("WAITING")).body("position", equalTo(2)).body("ahead", equalTo(1))
                .body("estimatedWaitSeconds", greaterThan(0));

        me(room, third).statusCode(200).body("status", equalTo("WAITING")).body("position", equalTo(2));
        me(room, first).statusCode(200).body("status", equalTo("ADMITTED")).body("admissionToken", notNullValue());

        leave(room, second);
        me(room, second).statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        me(room, third).statusCode(200).body("position", equalTo(1)).body("ahead", equalTo(0));

        // The admitted user leaving frees the slot: the next admission round (every pod, every 250 ms; 200 ms in
        // tests) admits the head of the line.
        leave(room, first);
        await("the head of the line admitted", Duration.ofSeconds(5),
                () -> "ADMITTED".equals(me(room, third).statusCode(200).extract().path("status")));
        // An admitted user who enters again keeps the session (200, not the back of the line).
        enter(room, third).statusCode(200).body("status", equalTo("ADMITTED"));
    }

    @Test
    void enteringAgainGoesToTheBackOfTheLine() {
        String room = openRoom(rooms, 1, 600, 100);
        enter(room, newUser()).statusCode(201).body("status", equalTo("ADMITTED"));
        String a = newUser();
        String b = newUser();
        String c = newUser();
        String ticket = enter(room, a).statusCode(201).body("position", equalTo(1)).extract().path("ticket");
        enter(room, b).body("position", equalTo(2));
        enter(room, c).body("position", equalTo(3));

        String again = enter(room, a).statusCode(201).body("position", equalTo(3)).extract().path("ticket");
        assertNotEquals(ticket, again, "a re-entry gets a new ticket");
        me(room, b).body("position", equalTo(1));
        me(room, c).body("position", equalTo(2));
        // One place per user, however many tabs entered.
        assertEquals(3, redis.sortedSet(String.class).zcard(new RoomKeys(room).waiting()));
    }

    @Test
    void simultaneousArrivalsGetDistinctOrderedPlaces() throws Exception {
        String room = openRoom(rooms, 1, 600, 100);
        enter(room, newUser()).statusCode(201);
        int n = 24;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> positions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String user = newUser();
            positions.add(pool.submit(() -> {
                start.await();
                return enter(room, user).statusCode(201).extract().<Integer>path("position");
            }));
        }
        start.countDown();
        Set<Integer> seen = new HashSet<>();
        for (Future<Integer> f : positions) {
            seen.add(f.get());
        }
        pool.shutdown();
        assertEquals(n, seen.size(), "every arrival has its own place");
        List<ScoredValue<String>> line = redis.sortedSet(String.class).zrangeWithScores(new RoomKeys(room).waiting(), 0, -1);
        assertEquals(n, line.size());
        long now = System.currentTimeMillis();
        for (int i = 0; i < line.size(); i++) {
            long score = (long) line.get(i).score();
            assertTrue(Math.abs(score / 1000 - now) < 60_000, "score = arrival ms * 1000 + tie-breaker");
            if (i > 0) {
                assertTrue(score > (long) line.get(i - 1).score(), "scores strictly increase, even within one ms");
            }
        }
    }

    @Test
    void unknownPerformanceIs404() {
        String unknown = newPerformanceId();
        enter(unknown, newUser()).statusCode(404).contentType("application/problem+json")
                .body("title", equalTo("Not Found")).body("detail", startsWith("No waiting room"));
        me(unknown, newUser()).statusCode(404);
    }

    @Test
    void badInputIsA400ProblemWithViolations() {
        given().auth().oauth2(token(newUser())).post("/api/queues/{p}/entries", "bad*id").then()
                .statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("performanceId"));
        given().auth().oauth2(token(newUser())).get("/api/queues/{p}/entries/me", "x".repeat(65)).then()
                .statusCode(400).body("violations.field", hasItem("performanceId"));

        String room = newPerformanceId();
        given().auth().oauth2(adminToken()).contentType("application/json").body("{\"capacity\":0}")
                .put("/api/queues/{p}/config", room).then()
                .statusCode(400).contentType("application/problem+json").body("status", equalTo(400))
                .body("violations.field", containsInAnyOrder("capacity", "sessionTtlSeconds"));
        given().auth().oauth2(adminToken()).contentType("application/json")
                .body("{\"capacity\":10,\"sessionTtlSeconds\":60,\"admitPerSecond\":-1}")
                .put("/api/queues/{p}/config", room).then()
                .statusCode(400).body("violations.field", containsInAnyOrder("admitPerSecond"));
        given().auth().oauth2(adminToken()).contentType("application/json").body("{\"capacity\":\"lots\",\"sessionTtlSeconds\":60}")
                .put("/api/queues/{p}/config", room).then()
                .statusCode(400).contentType("application/problem+json").body("violations.field", hasItem("capacity"));
        given().auth().oauth2(adminToken()).contentType("application/json").body("{\"capacity\":")
                .put("/api/queues/{p}/config", room).then()
                .statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(adminToken()).contentType("application/json")
                .put("/api/queues/{p}/config", room).then()
                .statusCode(400).contentType("application/problem+json").body("violations.field", hasItem("body"));
    }

    @Test
    void configIsForAdminsOnly() {
        String room = newPerformanceId();
        String body = "{\"capacity\":50,\"sessionTtlSeconds\":300,\"admitPerSecond\":5}";
        given().contentType("application/json").body(body).put("/api/queues/{p}/config", room).then()
                .statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(token(newUser())).contentType("application/json").body(body)
                .put("/api/queues/{p}/config", room).then()
                .statusCode(403).contentType("application/problem+json");
        String forged = JwtTestResource.claims(newUser(), "admin").jws().keyId(JwtTestResource.KID)
                .sign(JwtTestResource.foreignKey());
        given().auth().oauth2(forged).contentType("application/json").body(body)
                .put("/api/queues/{p}/config", room).then().statusCode(401);
        given().auth().oauth2(adminToken()).contentType("application/json").body(body)
                .put("/api/queues/{p}/config", room).then()
                .statusCode(200).body("capacity", equalTo(50)).body("sessionTtlSeconds", equalTo(300))
                .body("admitPerSecond", equalTo(5))
                // settings may be stored before queue-svc has the performance: the room is not open yet
                .body("live", equalTo(false));
        given().auth().oauth2(adminToken()).get("/api/queues/{p}/config", room).then()
                .statusCode(200).body("capacity", equalTo(50));
    }

    /** A client opening a sale right after publishing waits for {@code live}: before it, entries are 404. */
    @Test
    void theConfigSaysWhenTheRoomIsOpen() {
        String open = openRoom(rooms, 1, 600, 100);
        given().auth().oauth2(adminToken()).get("/api/queues/{p}/config", open).then()
                .statusCode(200).body("live", equalTo(true));
        String notYet = newPerformanceId();
        given().auth().oauth2(adminToken()).get("/api/queues/{p}/config", notYet).then()
                .statusCode(200).body("live", equalTo(false));
        given().auth().oauth2(token(newUser())).post("/api/queues/{p}/entries", notYet).then().statusCode(404);
    }

    @Test
    void entriesNeedAValidAccessToken() {
        String room = openRoom(rooms, 1, 600, 100);
        given().post("/api/queues/{p}/entries", room).then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2("not-a-jwt").post("/api/queues/{p}/entries", room).then().statusCode(401);
        String expired = JwtTestResource.sign(JwtTestResource.claims(newUser())
                .expiresAt(System.currentTimeMillis() / 1000 - 3600).issuedAt(System.currentTimeMillis() / 1000 - 4000));
        given().auth().oauth2(expired).post("/api/queues/{p}/entries", room).then().statusCode(401);
        String wrongAudience = JwtTestResource.sign(JwtTestResource.claims(newUser()).audience("someone-else"));
        given().auth().oauth2(wrongAudience).post("/api/queues/{p}/entries", room).then().statusCode(401);
    }

    @Test
    void admissionKeysArePublic() {
        given().get("/api/queues/.well-known/jwks.json").then().statusCode(200)
                .body("keys[0].kty", equalTo("RSA")).body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].kid", notNullValue())
                .body("keys[0].d", nullValue());
    }
}
