package dev.ticketing.payment;

import dev.ticketing.payment.support.OrderEventsProducer;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.FlakyLink;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.KafkaTopics;
import dev.ticketing.testsupport.PostgresTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL goes away while orders arrive: the batch consumer waits on the same records and, once the database is
 * back, charges every order exactly once (one PaymentApproved each, a redelivered OrderPlaced charges nothing), lag 0.
 * Records that can never be applied go to order-events.payment-svc.dlq.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = {@ResourceArg(name = "database", value = "payment"),
        @ResourceArg(name = "flaky", value = "true")})
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class PostgresOutageTest extends PaymentTestBase {

    @ConfigProperty(name = "mp.messaging.incoming.order-events.group.id")
    String group;
    @Inject
    MeterRegistry metrics;

    @AfterEach
    void databaseBack() {
        PostgresTestResource.link("payment").restore();
    }

    @Test
    void ordersThatArriveWhileTheDatabaseIsDownAreChargedOnceEachWhenItIsBack() throws Exception {
        double before = retries();
        FlakyLink db = PostgresTestResource.link("payment");
        db.cut();
        List<String> orderIds = new ArrayList<>();
        UUID firstEvent = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            String orderId = newOrderId();
            orderIds.add(orderId);
            orders.send(orderId, OrderEventsProducer.orderPlaced(i == 0 ? firstEvent : UUID.randomUUID(), orderId,
                    "fan-" + i, 50_000, "tok_approve"));
        }
        // the first order is delivered again during the outage (a producer retry): still one charge
        orders.send(orderIds.get(0), OrderEventsProducer.orderPlaced(firstEvent, orderIds.get(0), "fan-0", 50_000,
                "tok_approve"));
        until("the consumer to meet the outage", () -> retries() > before);
        Thread.sleep(8000); // longer than the bounded retry (10 × 500 ms) that once gave up and stopped the channel
        db.restore();

        for (String orderId : orderIds) {
            events.await(orderId, "PaymentApproved", WAIT);
            awaitStatus(orderId, "APPROVED");
        }
        until("order-events lag 0", () -> KafkaTopics.lag(bootstrap, group, "order-events") == 0);
        for (String orderId : orderIds) {
            assertEquals(1, eventsOfType(orderId, "PaymentApproved"), orderId);
            assertEquals(1, count("select count(*) from payment where order_id = ?", orderId), orderId);
        }
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void recordsThatCanNeverBeAppliedGoToTheDeadLetterTopic() throws Exception {
        String orderId = newOrderId();
        String tag = UUID.randomUUID().toString();
        String notJson = "{not json " + tag;
        String noType = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"orderId\":\"" + orderId + "\",\"note\":\"" + tag + "\"}";
        String noEventId = "{\"type\":\"OrderPlaced\",\"orderId\":\"" + orderId + "\",\"note\":\"" + tag + "\"}";
        for (String poison : List.of(notJson, noType, noEventId)) {
            orders.sendRaw(orderId, poison);
        }
        placeOrder(orderId, "fan-dlq", 50_000, "tok_approve");
        events.await(orderId, "PaymentApproved", WAIT);

        List<KafkaTopics.Received> dead = KafkaTopics.readUntil(bootstrap, "order-events.payment-svc.dlq",
                seen -> seen.stream().filter(r -> r.value().contains(tag)).count() == 3, WAIT).stream()
                .filter(r -> r.value().contains(tag)).toList();
        assertEquals(List.of(notJson, noType, noEventId), dead.stream().map(KafkaTopics.Received::value).toList());
        for (KafkaTopics.Received r : dead) {
            assertEquals("order-events", r.headers().get("dead-letter-topic"), r.headers().toString());
            assertTrue(r.headers().containsKey("dead-letter-reason") && r.headers().containsKey("dead-letter-offset"));
            assertEquals(orderId, r.key());
        }
    }

    private static void until(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private double retries() {
        Counter c = metrics.find("ticketing.events.retries").tag("channel", "order-events").counter();
        return c == null ? 0 : c.count();
    }
}
