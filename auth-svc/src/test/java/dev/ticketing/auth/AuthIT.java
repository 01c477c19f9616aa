package dev.ticketing.auth;

import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The packaged service (the jar; the native executable with -Dnative) with its prod profile against the real
 * PostgreSQL: ready, and a fan signs up, logs in and is known by the token (Argon2, RS256, the verify endpoint).
 */
@QuarkusIntegrationTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(SigningKeyFileResource.class)
class AuthIT {

    @Test
    void isReady() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aFanSignsUpLogsInAndIsKnownByTheToken() {
        String email = Fans.signedUpFan();
        String token = Fans.login(email, Fans.PASSWORD).then().statusCode(200)
                .body("refreshToken", notNullValue())
                .extract().path("accessToken");
        given().auth().oauth2(token).get("/api/auth/me").then().statusCode(200).body("email", equalTo(email));
        String userId = given().auth().oauth2(token).get("/api/auth/verify").then().statusCode(200)
                .extract().header("X-User-Id");
        given().auth().oauth2(token).get("/api/auth/me").then().body("id", equalTo(userId));
        // a taken email answers problem+json (the exception mappers' Response entity)
        Fans.signup(email, Fans.PASSWORD, "팬").then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));
    }
}
