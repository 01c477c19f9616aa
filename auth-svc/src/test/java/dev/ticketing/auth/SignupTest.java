package dev.ticketing.auth;

import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class SignupTest {

    @Test
    void signUpAnswers201WithTheNormalizedAccountAndNoSecrets() {
        String email = Fans.uniqueEmail();
        Fans.signup("  " + email.toUpperCase() + " ", Fans.PASSWORD, " 김팬 ")
                .then().statusCode(201)
                .contentType(ContentType.JSON)
                .header("Location", endsWith("/api/auth/me"))
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("email", equalTo(email))
                .body("name", equalTo("김팬"))
                .body("$", not(hasKey("password")))
                .body("$", not(hasKey("passwordHash")));
        // The fresh account can log in at once, whatever case the email is typed in.
        Fans.login(email.toUpperCase(), Fans.PASSWORD).then().statusCode(200);
    }

    @Test
    void aTakenEmailIs409EvenInAnotherCase() {
        String email = Fans.signedUpFan();
        Fans.signup(email.toUpperCase(), "another password", "Other")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("title", equalTo("Conflict"));
        // The first account keeps its password.
        Fans.login(email, Fans.PASSWORD).then().statusCode(200);
        Fans.login(email, "another password").then().statusCode(401);
    }

    @Test
    void invalidFieldsAre400WithOneViolationPerField() {
        given().contentType(ContentType.JSON)
                .body(Map.of("email", "not-an-email", "password", "short", "name", " "))
                .post("/api/auth/signup")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("violations.field", containsInAnyOrder("email", "password", "name"))
                .body("violations.find { it.field == 'password' }.message",
                        equalTo("must be between 8 and 128 characters"));
    }

    @Test
    void missingFieldsAre400() {
        given().contentType(ContentType.JSON).body("{}")
                .post("/api/auth/signup")
                .then().statusCode(400)
                .body("violations.field", containsInAnyOrder("email", "password", "name"));
    }

    @Test
    void aTooLongPasswordIs400NotUnboundedHashing() {
        given().contentType(ContentType.JSON)
                .body(Map.of("email", Fans.uniqueEmail(), "password", "x".repeat(129), "name", "Fan"))
                .post("/api/auth/signup")
                .then().statusCode(400)
                .body("violations.field", containsInAnyOrder("password"));
    }

    @Test
    void malformedJsonWrongTypesAndEmptyBodiesAre400() {
        given().contentType(ContentType.JSON).body("{\"email\": ")
                .post("/api/auth/signup")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("body"));
        given().contentType(ContentType.JSON).body("{\"email\": [1], \"password\": \"longenough\", \"name\": \"x\"}")
                .post("/api/auth/signup")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("email"));
        given().contentType(ContentType.JSON)
                .post("/api/auth/signup")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("body"));
    }

    @Test
    void aNonJsonBodyIs415ProblemJson() {
        given().contentType(ContentType.TEXT).body("email=a")
                .post("/api/auth/signup")
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
    }

    @Test
    void concurrentSignUpsWithOneEmailCreateExactlyOneAccount() throws Exception {
        String email = Fans.uniqueEmail();
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String variant = i % 2 == 0 ? email : email.toUpperCase();
                Callable<Integer> call = () -> {
                    start.await();
                    return Fans.signup(variant, Fans.PASSWORD, "Racer").statusCode();
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(racers - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }
}
