package dev.ticketing.auth;

import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flood of sign-ups (each an Argon2 hash) is refused with 503 + Retry-After once a request has waited its bounded
 * time for a hashing slot, instead of parking every worker thread behind the hashes; the service answers normally
 * afterwards. One slot and a costly hash make the contention certain, whatever the machine's speed.
 */
@QuarkusTest
@TestProfile(HashingFloodTest.OneSlot.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class HashingFloodTest {

    public static class OneSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ticketing.auth.password.max-concurrent", "1",
                    "ticketing.auth.password.max-wait", "PT0.05S",
                    "ticketing.auth.password.memory-kib", "65536",
                    "ticketing.auth.password.iterations", "3");
        }
    }

    @Test
    void aSignupFloodIsRefusedWith503AndRetryAfterNotQueuedForever() throws Exception {
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(pool.submit(() -> Fans.signup(Fans.uniqueEmail(), Fans.PASSWORD, "팬")));
        }
        int created = 0;
        int refused = 0;
        for (Future<Response> f : answers) {
            Response r = f.get();
            if (r.statusCode() == 201) {
                created++;
            } else {
                assertEquals(503, r.statusCode(), r.asString());
                assertEquals("2", r.header("Retry-After"));
                assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
                refused++;
            }
        }
        pool.shutdown();
        assertTrue(created >= 1 && refused >= 1, created + " created, " + refused + " refused");
        // once the flood is over, sign-up and login work
        String email = Fans.uniqueEmail();
        Fans.signup(email, Fans.PASSWORD, "팬").then().statusCode(201);
        Fans.login(email, Fans.PASSWORD).then().statusCode(200);
    }
}
