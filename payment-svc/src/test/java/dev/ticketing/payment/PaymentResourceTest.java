package dev.ticketing.payment;

import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/** GET /api/payments/{orderId}: the owner and admins see it; anyone else is refused with problem+json. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class PaymentResourceTest extends PaymentTestBase {

    static final String OWNER = "4b1f0c1e-0000-4000-8000-000000000001";
    static String orderId;

    @BeforeEach
    void paidOrder() {
        synchronized (PaymentResourceTest.class) {
            if (orderId == null) {
                String id = newOrderId();
                placeOrder(id, OWNER, 64_000, "tok_approve");
                events.await(id, "PaymentApproved", WAIT);
                orderId = id;
            }
        }
    }

    @Test
    void ownerSeesThePayment() {
        given().auth().oauth2(JwtTestResource.accessToken(OWNER))
                .get("/api/payments/{orderId}", orderId)
                .then().statusCode(200)
                .body("orderId", equalTo(orderId))
                .body("status", equalTo("APPROVED"))
                .body("amount", equalTo(64_000))
                .body("currency", equalTo("KRW"))
                .body("providerReference", startsWith("sbx"));
    }

    @Test
    void adminSeesAnyPayment() {
        given().auth().oauth2(JwtTestResource.accessToken("some-admin", "user", "admin"))
                .get("/api/payments/{orderId}", orderId)
                .then().statusCode(200).body("orderId", equalTo(orderId));
    }

    @Test
    void anotherUserIsForbidden() {
        given().auth().oauth2(JwtTestResource.accessToken("someone-else"))
                .get("/api/payments/{orderId}", orderId)
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("status", equalTo(403))
                .body("title", equalTo("Forbidden"));
    }

    @Test
    void noTokenOrAForeignTokenIsUnauthorized() {
        given().get("/api/payments/{orderId}", orderId)
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        String forged = JwtTestResource.claims(OWNER).jws().keyId(JwtTestResource.KID)
                .algorithm(SignatureAlgorithm.RS256).sign(JwtTestResource.foreignKey());
        given().auth().oauth2(forged).get("/api/payments/{orderId}", orderId)
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void unknownOrderIsNotFound() {
        given().auth().oauth2(JwtTestResource.accessToken(OWNER))
                .get("/api/payments/{orderId}", "ord-does-not-exist")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void malformedOrderIdIsABadRequestWithViolations() {
        given().auth().oauth2(JwtTestResource.accessToken(OWNER))
                .get("/api/payments/{orderId}", "x".repeat(65))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItem("orderId"));
    }
}
