package dev.ticketing.booking;

import dev.ticketing.testsupport.FlakyLink;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.KafkaTopics;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL goes away while payment results arrive: the consumer waits on the same record and applies each result
 * once the database is back — every order confirmed, one BookingCompleted per order, lag 0. A payment event that can
 * never be applied (no type: it used to stop the channel) goes to the dead-letter topic.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = {@ResourceArg(name = "database", value = "booking"),
        @ResourceArg(name = "flaky", value = "true")})
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = {@ResourceArg(name = "db", value = "4"),
        @ResourceArg(name = "flaky", value = "true")})
class PostgresOutageTest extends BookingTestBase {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "mp.messaging.incoming.payment-events.group.id")
    String group;
    @Inject
    MeterRegistry metrics;

    record Placed(String user, String orderId) {
    }

    @AfterEach
    void databaseBack() {
        PostgresTestResource.link("booking").restore();
        RedisTestResource.link(4).restore();
    }

    /**
     * Redis gone while the crowd holds: the seat gate and the admission session cannot be read, so the attempt is
     * refused with 503 + Retry-After (problem+json) — on the event-loop path too, where the client's failure is a
     * bare connection error — never a 500 and never a guess; holds work again once Redis is back.
     */
    @Test
    void aHoldWhileRedisIsDownIs503AndWorksOnceItIsBack() {
        Show show = newShow(1, 3);
        hold(fan(), show, List.of(show.seatIds().get(0))).then().statusCode(201); // the showtime is known (cached)
        String bob = fan();
        String admitted = AdmissionTestResource.token(bob, show.performanceId()); // its session is written now
        RedisTestResource.link(4).cut();
        holdWith(bob, show, admitted, show.seatIds().get(1)).then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", org.hamcrest.Matchers.notNullValue());
        RedisTestResource.link(4).restore();
        await().atMost(PATIENCE).until(() -> holdWith(bob, show, admitted, show.seatIds().get(1)).statusCode() == 201);
    }

    Placed placeOrder() {
        Show show = newShow(1, 2);
        String user = fan();
        String holdId = hold(user, show, show.seatIds()).then().statusCode(201).extract().path("holdId");
        String orderId = order(user, show, holdId, "tok_approve").then().statusCode(202).extract().path("orderId");
        return new Placed(user, orderId);
    }

    String status(Placed p) {
        return as(tokenOf(p.user())).get("/api/orders/" + p.orderId()).then().statusCode(200).extract().path("status");
    }

    /**
     * The cheapest refusal first: a seat the gate knows is taken is refused (409) with PostgreSQL unreachable, before
     * the admission token's signature is looked at — even a forged one gets the 409, which says no more than the
     * public seat map. A free seat still needs a valid, live admission (403 without one), and then the database (503
     * while it is down, 201 once it is back).
     */
    @Test
    void aKnownTakenSeatIsRefusedWithoutTheDatabase() {
        Show show = newShow(1, 3);
        String seat = show.seatIds().get(0);
        String free = show.seatIds().get(1);
        hold(fan(), show, List.of(seat)).then().statusCode(201);
        String bob = fan();
        PostgresTestResource.link("booking").cut();

        hold(bob, show, List.of(seat)).then().statusCode(409).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString(seat));
        String forged = AdmissionTestResource.token(bob, show.performanceId(), java.time.Instant.now().plusSeconds(300),
                "ticketing-queue", AdmissionTestResource.foreignKey());
        holdWith(bob, show, forged, seat).then().statusCode(409);
        holdWith(bob, show, null, free).then().statusCode(403);
        holdWith(bob, show, forged, free).then().statusCode(403);
        hold(bob, show, List.of(free)).then().statusCode(503).header("Retry-After", org.hamcrest.Matchers.notNullValue());

        PostgresTestResource.link("booking").restore();
        await().atMost(PATIENCE).until(() -> hold(bob, show, List.of(free)).statusCode() == 201);
    }

    private static io.restassured.response.Response holdWith(String user, Show show, String admission, String seat) {
        io.restassured.specification.RequestSpecification r = as(tokenOf(user));
        if (admission != null) {
            r = r.header("X-Admission-Token", admission);
        }
        return r.body(Map.of("seatIds", List.of(seat))).post("/api/showtimes/" + show.showtimeId() + "/holds");
    }

    @Test
    void paymentResultsThatArriveWhileTheDatabaseIsDownAreAppliedOnceItIsBack() throws InterruptedException {
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            placed.add(placeOrder());
        }
        double before = retries();
        FlakyLink db = PostgresTestResource.link("booking");
        db.cut();
        String first = UUID.randomUUID().toString();
        for (int i = 0; i < placed.size(); i++) {
            EventLog.publishPaymentEvent(i == 0 ? first : UUID.randomUUID().toString(), "PaymentApproved",
                    placed.get(i).orderId(), Map.of("paymentId", "pay-" + i, "providerReference", "ref-" + i));
        }
        // a redelivery of the first result, also during the outage
        EventLog.publishPaymentEvent(first, "PaymentApproved", placed.get(0).orderId(),
                Map.of("paymentId", "pay-0", "providerReference", "ref-0"));
        await().atMost(PATIENCE).until(() -> retries() > before);
        Thread.sleep(8000); // longer than the bounded retry (10 × 500 ms) that once gave up and stopped the channel
        db.restore();

        for (Placed p : placed) {
            await().atMost(PATIENCE).until(() -> "CONFIRMED".equals(status(p)));
        }
        await().atMost(PATIENCE).until(() -> KafkaTopics.lag(bootstrap, group, "payment-events") == 0);
        List<String> orderIds = placed.stream().map(Placed::orderId).toList();
        List<KafkaTopics.Received> completed = KafkaTopics.readUntil(bootstrap, "booking-events",
                seen -> orderIds.stream().allMatch(id -> seen.stream().anyMatch(r -> r.value().contains(id))), PATIENCE)
                .stream().filter(r -> r.value().contains("BookingCompleted")
                        && orderIds.stream().anyMatch(id -> r.value().contains(id))).toList();
        assertEquals(orderIds.size(), completed.size(), "one BookingCompleted per order: " + completed);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aPaymentEventThatCanNeverBeAppliedGoesToTheDeadLetterTopic() {
        Placed p = placeOrder();
        String tag = UUID.randomUUID().toString();
        String noType = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"orderId\":\"" + p.orderId() + "\",\"note\":\"" + tag + "\"}";
        String notJson = "{not json " + tag;
        String badOrder = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"PaymentApproved\",\"orderId\":\"" + tag + "-x\"}";
        for (String poison : List.of(noType, notJson, badOrder)) {
            publishRaw(p.orderId(), poison);
        }
        EventLog.publishPaymentEvent(UUID.randomUUID().toString(), "PaymentApproved", p.orderId(),
                Map.of("paymentId", "pay-x", "providerReference", "ref-x"));
        await().atMost(PATIENCE).until(() -> "CONFIRMED".equals(status(p)));

        List<KafkaTopics.Received> dead = KafkaTopics.readUntil(bootstrap, "payment-events.booking-svc.dlq",
                seen -> seen.stream().filter(r -> r.value().contains(tag)).count() == 3, PATIENCE).stream()
                .filter(r -> r.value().contains(tag)).toList();
        assertEquals(List.of(noType, notJson, badOrder), dead.stream().map(KafkaTopics.Received::value).toList());
        assertTrue(dead.stream().allMatch(r -> "payment-events".equals(r.headers().get("dead-letter-topic"))));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** Same key as the order's real results, so the poison records share its partition and come before them. */
    private void publishRaw(String key, String value) {
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", bootstrap,
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class))) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("payment-events", key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private double retries() {
        Counter c = metrics.find("ticketing.events.retries").tag("channel", "payment-events").counter();
        return c == null ? 0 : c.count();
    }
}
