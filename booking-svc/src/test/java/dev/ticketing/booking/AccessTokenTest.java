package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;

/** booking-svc checks auth-svc's tokens itself (defence in depth): signature, expiry, issuer and audience. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class AccessTokenTest extends BookingTestBase {

    static int status(String token) {
        return given().header("Authorization", "Bearer " + token).get("/api/orders").statusCode();
    }

    @Test
    void aValidTokenIsAccepted() {
        given().header("Authorization", "Bearer " + tokenOf(fan())).get("/api/orders").then().statusCode(200);
    }

    @Test
    void forgedExpiredAndMisaddressedTokensAre401() {
        String forged = JwtTestResource.claims("mallory", "admin").jws().keyId(JwtTestResource.KID)
                .algorithm(SignatureAlgorithm.RS256).sign(JwtTestResource.foreignKey());
        String expired = JwtTestResource.sign(JwtTestResource.claims("late")
                .issuedAt(Instant.now().minusSeconds(3600)).expiresAt(Instant.now().minusSeconds(600)));
        String wrongAudience = JwtTestResource.sign(JwtTestResource.claims("elsewhere").audience("another-api"));
        String wrongIssuer = JwtTestResource.sign(JwtTestResource.claims("elsewhere").issuer("https://evil.example"));
        String[] parts = tokenOf("someone").split("\\.");
        String unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + ".";
        for (String bad : new String[] {forged, expired, wrongAudience, wrongIssuer, unsigned, "garbage"}) {
            given().header("Authorization", "Bearer " + bad).get("/api/orders").then().statusCode(401)
                    .contentType(startsWith("application/problem+json")).header("WWW-Authenticate", "Bearer");
            // admin-only writes refuse it the same way, in the same shape
            given().header("Authorization", "Bearer " + bad).contentType("application/json").body("{}")
                    .post("/api/performances").then().statusCode(401).contentType(startsWith("application/problem+json"));
        }
        given().get("/api/orders").then().statusCode(401).contentType(startsWith("application/problem+json"));
    }

    /** Regression (fuzz run): a stale or garbage token on a public read was an empty 401; the token is not needed there. */
    @Test
    void publicReadsIgnoreABadToken() {
        Show show = newShow(1, 2);
        given().header("Authorization", "Bearer garbage").get("/api/showtimes/" + show.showtimeId() + "/seats")
                .then().statusCode(200);
        given().header("Authorization", "Bearer garbage").get("/api/performances/" + show.performanceId())
                .then().statusCode(200);
    }
}
