package dev.ticketing.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fans provisioned ahead of an on-sale: cheap for the server (one hash computed by the caller, at sign-up's cost or
 * more), idempotent, admin only, tokens only for accounts the call created.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class FanProvisioningTest {

    private static final String PASSWORD = "rehearsal fan password";
    // The test profile's sign-up cost (m=1024, t=2): a hash made with it is exactly as costly, never less.
    private static final String HASH = Password.hash(PASSWORD).addRandomSalt(16)
            .with(Argon2Function.getInstance(1024, 2, 1, 32, Argon2.ID)).getResult();

    private static String adminToken() {
        return Fans.login("admin@ticketing.test", "admin-test-password").then().statusCode(200)
                .extract().path("accessToken");
    }

    private static Response provision(String token, String prefix, long first, int count, String hash, boolean tokens) {
        Map<String, Object> body = new HashMap<>();
        body.put("emailPrefix", prefix);
        body.put("domain", "loadtest.ticketing.test");
        body.put("first", first);
        body.put("count", count);
        body.put("passwordHash", hash);
        body.put("issueTokens", tokens);
        var request = given().contentType(ContentType.JSON).body(body);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.post("/api/auth/admin/fans");
    }

    private static String prefix() {
        return "p" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void fansAreCreatedInBulkWithWorkingTokensAndTheirPassword() {
        String admin = adminToken();
        String prefix = prefix();
        Response r = provision(admin, prefix, 1, 25, HASH, true).then().statusCode(200)
                .body("created", equalTo(25)).body("existing", equalTo(0)).extract().response();
        List<Map<String, Object>> fans = r.path("fans");
        assertEquals(25, fans.size());
        Map<String, Object> first = fans.stream().filter(f -> f.get("email").equals(prefix + "-000001@loadtest.ticketing.test"))
                .findFirst().orElseThrow();
        // the access token is a real one; the refresh token rotates like any other
        given().header("Authorization", "Bearer " + first.get("accessToken")).get("/api/auth/me").then().statusCode(200)
                .body("email", equalTo(prefix + "-000001@loadtest.ticketing.test")).body("roles", equalTo(List.of("user")));
        Fans.refresh((String) first.get("refreshToken")).then().statusCode(200);
        // the password behind the provided hash logs in
        Fans.login(prefix + "-000025@loadtest.ticketing.test", PASSWORD).then().statusCode(200);
    }

    @Test
    void provisioningAgainIsIdempotentAndMintsNoTokenForAnExistingAccount() {
        String admin = adminToken();
        String prefix = prefix();
        provision(admin, prefix, 1, 10, HASH, true).then().statusCode(200).body("created", equalTo(10));
        // an overlapping range: the 10 existing ones stay as they are and get no tokens, the 5 new ones are created
        Response again = provision(admin, prefix, 6, 10, HASH, true).then().statusCode(200)
                .body("created", equalTo(5)).body("existing", equalTo(5)).extract().response();
        List<String> emails = again.path("fans.email");
        assertEquals(5, emails.size());
        assertTrue(emails.stream().allMatch(e -> Integer.parseInt(e.substring(e.indexOf('-') + 1, e.indexOf('@'))) > 10), emails.toString());
        // a real fan's account with a colliding name is never touched either
        String squat = prefix + "-000100@loadtest.ticketing.test";
        Fans.signup(squat, Fans.PASSWORD, "squat").then().statusCode(201);
        provision(admin, prefix, 100, 1, HASH, true).then().statusCode(200).body("created", equalTo(0))
                .body("fans.size()", equalTo(0));
        Fans.login(squat, Fans.PASSWORD).then().statusCode(200);
    }

    @Test
    void concurrentCallsForTheSameRangeCreateEachFanOnce() throws Exception {
        String admin = adminToken();
        String prefix = prefix();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> calls = List.of(
                    () -> provision(admin, prefix, 1, 40, HASH, false).then().statusCode(200).extract().path("created"),
                    () -> provision(admin, prefix, 1, 40, HASH, false).then().statusCode(200).extract().path("created"),
                    () -> provision(admin, prefix, 1, 40, HASH, false).then().statusCode(200).extract().path("created"),
                    () -> provision(admin, prefix, 1, 40, HASH, false).then().statusCode(200).extract().path("created"));
            int total = 0;
            for (Future<Integer> f : pool.invokeAll(calls)) {
                total += f.get();
            }
            assertEquals(40, total);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aWeakerHashThanSignUpsIsRefused() {
        String admin = adminToken();
        String weak = Password.hash(PASSWORD).addRandomSalt(16).with(Argon2Function.getInstance(64, 1, 1, 32, Argon2.ID)).getResult();
        provision(admin, prefix(), 1, 3, weak, true).then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("passwordHash")).body("detail", containsString("weaker"));
        String bcrypt = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
        provision(admin, prefix(), 1, 3, bcrypt, true).then().statusCode(400).body("detail", containsString("Argon2id"));
    }

    @Test
    void badInputIsAFieldLevel400() {
        String admin = adminToken();
        provision(admin, "Bad Prefix", 1, 3, HASH, false).then().statusCode(400)
                .contentType(containsString("application/problem+json")).body("detail", containsString("emailPrefix"));
        provision(admin, prefix(), 0, 3, HASH, false).then().statusCode(400).body("detail", containsString("first"));
        provision(admin, prefix(), 1, 5001, HASH, false).then().statusCode(400).body("detail", containsString("count"));
    }

    @Test
    void onlyAnAdminMayProvision() {
        provision(null, prefix(), 1, 1, HASH, true).then().statusCode(401);
        String email = Fans.signedUpFan();
        String fan = Fans.login(email, Fans.PASSWORD).then().statusCode(200).extract().path("accessToken");
        provision(fan, prefix(), 1, 1, HASH, true).then().statusCode(403);
    }
}
