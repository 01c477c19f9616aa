package dev.ticketing.auth;

import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sign-ups are braked per client address (a Bucket4j bucket in PostgreSQL: 3 per hour here), before any hash is
 * computed, and may hold only their share of the hashing slots, so a sign-up flood never shuts fans out of logging in.
 */
@QuarkusTest
@TestProfile(SignupLimitTest.SmallBudget.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class SignupLimitTest {

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Two hashing slots, sign-ups may hold one; a hash costly enough (~0.5 s here) that 24 sign-ups queue for
            // longer than the 2 s wait bound: without the share, a login would wait behind them and get 503.
            return Map.of("ticketing.auth.signup.per-client", "3",
                    "ticketing.auth.signup.per-client-period", "PT1H",
                    "ticketing.auth.password.max-concurrent", "2",
                    "ticketing.auth.password.max-wait", "PT2S",
                    "ticketing.auth.password.memory-kib", "65536",
                    "ticketing.auth.password.iterations", "3");
        }
    }

    private static Response signupFrom(String ip) {
        return signupFrom(ip, Fans.uniqueEmail());
    }

    private static Response signupFrom(String ip, String email) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", ip)
                .body(Map.of("email", email, "password", Fans.PASSWORD, "name", "팬"))
                .post("/api/auth/signup");
    }

    @Test
    void anAddressGetsItsBudgetThen429WithRetryAfterWhileOtherAddressesSignUp() {
        String ip = Fans.uniqueIp();
        for (int i = 0; i < 3; i++) {
            signupFrom(ip).then().statusCode(201);
        }
        String refused = Fans.uniqueEmail();
        signupFrom(ip, refused).then().statusCode(429)
                .contentType(containsString("application/problem+json"))
                .header("Retry-After", s -> Long.parseLong(s) >= 1 && Long.parseLong(s) <= 3600, is(true))
                .body("status", is(429))
                .body("detail", containsString("at most 3"));
        signupFrom(Fans.uniqueIp()).then().statusCode(201);
        // the refused sign-up made no account
        Fans.login(refused, Fans.PASSWORD).then().statusCode(401);
    }

    @Test
    void parallelSignupsFromOneAddressNeverOvershootTheBudget() throws Exception {
        String ip = Fans.uniqueIp();
        int n = 10;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(pool.submit(() -> signupFrom(ip)));
        }
        int limited = 0;
        int passed = 0;
        for (Future<Response> f : answers) {
            int status = f.get().statusCode();
            if (status == 429) {
                limited++;
            } else {
                // past the brake: created, or refused by the hashing bound (503) under this tiny slot count
                assertTrue(status == 201 || status == 503, "status " + status);
                passed++;
            }
        }
        pool.shutdown();
        assertEquals(3, passed, "exactly the budget got past the brake");
        assertEquals(n - 3, limited);
    }

    @Test
    void aSignupFloodFromManyAddressesLeavesHashingRoomForLogins() throws Exception {
        String email = Fans.uniqueEmail();
        signupFrom(Fans.uniqueIp(), email).then().statusCode(201);
        // A sustained flood: 24 clients signing up back to back, each from its own address, so the hashing queue
        // never drains. Without the sign-up share a login would queue behind them past the wait bound (503).
        AtomicBoolean flooding = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(24);
        List<Future<List<Integer>>> flood = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            flood.add(pool.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                while (flooding.get()) {
                    statuses.add(signupFrom(Fans.uniqueIp()).statusCode());
                }
                return statuses;
            }));
        }
        try {
            Thread.sleep(1_000); // the flood is under way
            // one login (two would queue behind each other on the one slot left to logins, not behind the flood)
            Response login = Fans.login(email, Fans.PASSWORD);
            assertEquals(200, login.statusCode(), "a login during a sign-up flood: " + login.asString());
        } finally {
            flooding.set(false);
        }
        int refused = 0;
        for (Future<List<Integer>> f : flood) {
            for (int status : f.get()) {
                assertTrue(status == 201 || status == 503, "flood status " + status);
                refused += status == 503 ? 1 : 0;
            }
        }
        pool.shutdown();
        assertTrue(refused > 0, "the flood really queued past the wait bound");
    }
}
