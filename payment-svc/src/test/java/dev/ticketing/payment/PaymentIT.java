package dev.ticketing.payment;

import dev.ticketing.payment.support.OrderEventsProducer;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.equalTo;

/**
 * The packaged service (the jar; the native executable with -Dnative) with its prod profile against the real
 * PostgreSQL, Kafka and the sandbox provider: ready, an unknown order is a 404 problem, and an order event becomes an
 * approved payment (the event records, the provider client, the outbox).
 */
@QuarkusIntegrationTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class PaymentIT {

    static final String FAN = UUID.randomUUID().toString();

    @Test
    void isReady() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void anUnknownOrderIsAProblem() {
        given().auth().oauth2(JwtTestResource.accessToken(FAN)).get("/api/payments/{orderId}", "ord-does-not-exist")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void aPlacedOrderIsPaid() throws InterruptedException {
        String orderId = "ord-" + UUID.randomUUID();
        try (OrderEventsProducer orders = new OrderEventsProducer(KafkaTestResource.bootstrap())) {
            orders.send(orderId, OrderEventsProducer.orderPlaced(UUID.randomUUID(), orderId, FAN, 64_000, "tok_approve"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        String status = statusOf(orderId);
        while (!"APPROVED".equals(status) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = statusOf(orderId);
        }
        assertEquals("APPROVED", status);
        given().auth().oauth2(JwtTestResource.accessToken(FAN)).get("/api/payments/{orderId}", orderId)
                .then().statusCode(200).body("amount", equalTo(64_000)).body("currency", equalTo("KRW"));
    }

    /** The payment's status as the fan reads it, null while there is none. */
    private static String statusOf(String orderId) {
        var r = given().auth().oauth2(JwtTestResource.accessToken(FAN)).get("/api/payments/{orderId}", orderId);
        return r.statusCode() == 200 ? r.path("status") : null;
    }
}
