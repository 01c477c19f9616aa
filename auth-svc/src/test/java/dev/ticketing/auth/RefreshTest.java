package dev.ticketing.auth;

import dev.ticketing.testsupport.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class RefreshTest {

    @Inject
    AgroalDataSource db;

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refreshRotatesTheTokenAndIssuesAFreshAccessToken() throws Exception {
        String email = Fans.signedUpFan();
        Response login = Fans.login(email, Fans.PASSWORD);
        String first = login.path("refreshToken");
        Response refreshed = Fans.refresh(first);
        refreshed.then().statusCode(200).contentType(ContentType.JSON)
                .body("tokenType", equalTo("Bearer")).body("expiresIn", equalTo(900));
        String second = refreshed.path("refreshToken");
        String access = refreshed.path("accessToken");
        assertNotEquals(first, second);
        assertNotEquals(Fans.claims(login.path("accessToken")).get("jti"), Fans.claims(access).get("jti"));
        given().auth().oauth2(access).get("/api/auth/me").then().statusCode(200).body("email", equalTo(email));
        // The new token keeps rotating.
        Fans.refresh(second).then().statusCode(200);
        // Only hashes are stored: the token itself appears nowhere in the table.
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select count(*) from refresh_token where token_hash = ? or token_hash = ?")) {
            q.setString(1, first);
            q.setString(2, sha256(first));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1)); // the hash matches, the raw token does not
            }
        }
    }

    @Test
    void reusingARotatedTokenRevokesTheWholeFamily() {
        String email = Fans.signedUpFan();
        String stolen = Fans.login(email, Fans.PASSWORD).path("refreshToken");
        String legit = Fans.refresh(stolen).path("refreshToken");
        // The thief replays the old token: refused, and the family (including the legit client's token) dies.
        Fans.refresh(stolen).then().statusCode(401).contentType("application/problem+json")
                .body("detail", equalTo("The refresh token was already used; please log in again."));
        Fans.refresh(legit).then().statusCode(401);
        // Other families (another login of the same fan) are untouched.
        String other = Fans.login(email, Fans.PASSWORD).path("refreshToken");
        Fans.refresh(other).then().statusCode(200);
    }

    @Test
    void concurrentRefreshesOfOneTokenHaveExactlyOneWinner() throws Exception {
        String token = Fans.login(Fans.signedUpFan(), Fans.PASSWORD).path("refreshToken");
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Response> responses = new ArrayList<>();
        try {
            List<Future<Response>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Callable<Response> call = () -> {
                    start.await();
                    return Fans.refresh(token);
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            for (Future<Response> f : results) {
                responses.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> statuses = responses.stream().map(Response::statusCode).toList();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(racers - 1, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
        // The losers presented an already-rotated token: strict reuse detection revoked the family, so the
        // winner's new refresh token is dead too (its access token stays valid until it expires).
        Response winner = responses.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        Fans.refresh(winner.path("refreshToken")).then().statusCode(401);
        given().auth().oauth2((String) winner.path("accessToken")).get("/api/auth/me").then().statusCode(200);
    }

    @Test
    void unknownAndExpiredTokensAre401WithoutSideEffects() throws Exception {
        Fans.refresh("no-such-token").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("detail", equalTo("The refresh token is invalid or expired."));
        String email = Fans.signedUpFan();
        String token = Fans.login(email, Fans.PASSWORD).path("refreshToken");
        String sibling = Fans.login(email, Fans.PASSWORD).path("refreshToken");
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement(
                     "update refresh_token set expires_at = now() - interval '1 second' where token_hash = ?")) {
            q.setString(1, sha256(token));
            assertEquals(1, q.executeUpdate());
        }
        Fans.refresh(token).then().statusCode(401);
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select used_at is null from refresh_token where token_hash = ?")) {
            q.setString(1, sha256(token));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                assertTrue(rs.getBoolean(1), "an expired token is not marked used");
            }
        }
        Fans.refresh(sibling).then().statusCode(200);
    }

    @Test
    void invalidRefreshBodiesAre400() {
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", "")).post("/api/auth/refresh")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations[0].field", equalTo("refreshToken"));
        given().contentType(ContentType.JSON).body("[]").post("/api/auth/refresh")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anAccessTokenIsNotARefreshToken() {
        String access = Fans.login(Fans.signedUpFan(), Fans.PASSWORD).path("accessToken");
        // Far longer than any refresh token: refused by the bounds check before any lookup.
        Fans.refresh(access).then().statusCode(400).body("violations[0].field", equalTo("refreshToken"));
    }
}
