package dev.ticketing.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class LoginTest {

    @Test
    void loginIssuesAnRs256AccessTokenWithTheAgreedClaimsAndAnOpaqueRefreshToken() {
        String email = Fans.signedUpFan();
        Response r = Fans.login(email, Fans.PASSWORD);
        r.then().statusCode(200).contentType(ContentType.JSON)
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(900))
                .body("refreshToken", not(emptyOrNullString()));
        String access = r.path("accessToken");
        JsonNode header = Fans.header(access);
        JsonNode claims = Fans.claims(access);
        assertEquals("RS256", header.get("alg").asText());
        String kid = header.get("kid").asText();
        given().get("/api/auth/jwks").then().statusCode(200).body("keys[0].kid", equalTo(kid));
        assertEquals("https://auth.ticketing.local", claims.get("iss").asText());
        assertEquals("ticketing-api", claims.path("aud").isArray() ? claims.get("aud").get(0).asText() : claims.get("aud").asText());
        assertEquals(email, claims.get("upn").asText());
        assertEquals(email, claims.get("email").asText());
        assertEquals("[\"user\"]", claims.get("groups").toString());
        assertEquals(900, claims.get("exp").asLong() - claims.get("iat").asLong());
        assertTrue(claims.get("jti").asText().length() >= 32);
        String id = given().auth().oauth2(access).get("/api/auth/me").then().statusCode(200).extract().path("id");
        assertEquals(id, claims.get("sub").asText());
        // Refresh tokens are opaque: not a JWT, nothing to decode.
        assertEquals(1, ((String) r.path("refreshToken")).split("\\.").length);
    }

    @Test
    void wrongPasswordAndUnknownEmailGetTheSame401() {
        String email = Fans.signedUpFan();
        Response wrong = Fans.login(email, "not the password");
        Response unknown = Fans.login(Fans.uniqueEmail(), Fans.PASSWORD);
        for (Response r : List.of(wrong, unknown)) {
            r.then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", "Bearer")
                    .body("status", equalTo(401))
                    .body("detail", equalTo("Email or password is incorrect."));
        }
    }

    @Test
    void invalidLoginBodiesAre400() {
        given().contentType(ContentType.JSON).body(Map.of("email", " ", "password", ""))
                .post("/api/auth/login")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", containsInAnyOrder("email", "password"));
        given().contentType(ContentType.JSON).post("/api/auth/login")
                .then().statusCode(400).body("violations[0].field", equalTo("body"));
    }

    @Test
    void aStaleAuthorizationHeaderDoesNotBlockLogin() {
        String email = Fans.signedUpFan();
        given().contentType(ContentType.JSON).header("Authorization", "Bearer expired.or.garbage")
                .body(Map.of("email", email, "password", Fans.PASSWORD))
                .post("/api/auth/login")
                .then().statusCode(200);
    }

    @Test
    void fiveFailuresBrakeTheGuessingAddressEvenForTheRightPassword() {
        String email = Fans.signedUpFan();
        String guesser = Fans.uniqueIp();
        for (int i = 0; i < 5; i++) {
            Fans.login(email, "guess " + i, guesser).then().statusCode(401);
        }
        Response blocked = Fans.login(email, Fans.PASSWORD, guesser);
        blocked.then().statusCode(429).contentType("application/problem+json").body("status", equalTo(429));
        long retryAfter = Long.parseLong(blocked.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);
        // Other accounts are not affected.
        Fans.login(Fans.signedUpFan(), Fans.PASSWORD, guesser).then().statusCode(200);
    }

    @Test
    void aStrangersFailuresNeverLockTheOwnerOut() {
        String email = Fans.signedUpFan();
        // A stranger guesses from several addresses, far past the limit on each...
        for (int a = 0; a < 3; a++) {
            String stranger = Fans.uniqueIp();
            for (int i = 0; i < 7; i++) {
                Fans.login(email, "guess " + a + "-" + i, stranger).statusCode();
            }
            Fans.login(email, Fans.PASSWORD, stranger).then().statusCode(429);
        }
        // ...and the owner, from their own address, logs in at once.
        Fans.login(email, Fans.PASSWORD, Fans.uniqueIp()).then().statusCode(200);
    }

    @Test
    void unknownEmailsAreThrottledTooSoTheLimitRevealsNothing() {
        String ghost = Fans.uniqueEmail();
        String ip = Fans.uniqueIp();
        for (int i = 0; i < 5; i++) {
            Fans.login(ghost, "guess " + i, ip).then().statusCode(401);
        }
        Fans.login(ghost, "guess 6", ip).then().statusCode(429);
    }

    @Test
    void successfulLoginsNeverSpendTheBudget() {
        String email = Fans.signedUpFan();
        String ip = Fans.uniqueIp();
        // Far more than either limit (account 5, address 8 in %test), all from one address: never throttled.
        for (int i = 0; i < 12; i++) {
            Fans.login(email, Fans.PASSWORD, ip).then().statusCode(200);
        }
        // Failures after successes are still counted from zero: the 5th is still a plain 401.
        for (int i = 0; i < 4; i++) {
            Fans.login(email, "guess " + i, ip).then().statusCode(401);
        }
        Fans.login(email, Fans.PASSWORD, ip).then().statusCode(200);
    }

    @Test
    void parallelGoodLoginsOfOneAccountAreNeverRefused() throws Exception {
        String email = Fans.signedUpFan();
        String ip = Fans.uniqueIp();
        List<Integer> statuses = race(12, i -> Fans.login(email, Fans.PASSWORD, ip).statusCode());
        assertEquals(12, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    }

    @Test
    void anAddressIsThrottledAfterItsFailureLimitAcrossAccounts() {
        String ip = Fans.uniqueIp();
        for (int i = 0; i < 8; i++) { // credential stuffing: one guess per account
            Fans.login(Fans.uniqueEmail(), "guess", ip).then().statusCode(401);
        }
        Response blocked = Fans.login(Fans.signedUpFan(), "guess", ip);
        blocked.then().statusCode(429);
        assertTrue(Long.parseLong(blocked.header("Retry-After")) > 0);
        // Another address is unaffected.
        Fans.login(Fans.signedUpFan(), Fans.PASSWORD, Fans.uniqueIp()).then().statusCode(200);
    }

    @Test
    void concurrentGuessesCannotOvershootTheAccountLimit() throws Exception {
        String email = Fans.signedUpFan();
        String ip = Fans.uniqueIp();
        List<Integer> statuses = race(20, i -> Fans.login(email, "parallel guess " + i, ip).statusCode());
        assertEquals(5, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
        assertEquals(15, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        Fans.login(email, Fans.PASSWORD, ip).then().statusCode(429);
    }

    /** Runs n calls released at the same instant; returns their results in submission order. */
    private static <T> List<T> race(int n, IntFunction<T> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return call.apply(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theBootstrapAdminCanLogInWithTheAdminRole() {
        // Configured as "Admin@Ticketing.Test": stored normalized.
        Response r = Fans.login("admin@ticketing.test", "admin-test-password");
        r.then().statusCode(200);
        String access = r.path("accessToken");
        List<String> groups = new ArrayList<>();
        Fans.claims(access).get("groups").forEach(g -> groups.add(g.asText()));
        assertEquals(List.of("admin", "user"), groups.stream().sorted().toList());
        given().auth().oauth2(access).get("/api/auth/me").then().statusCode(200)
                .body("email", equalTo("admin@ticketing.test"))
                .body("roles", containsInAnyOrder("admin", "user"));
        Fans.login("admin@ticketing.test", "wrong password").then().statusCode(401);
    }
}
