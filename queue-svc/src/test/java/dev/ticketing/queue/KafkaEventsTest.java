package dev.ticketing.queue;

import dev.ticketing.queue.room.Rooms;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.ticketing.queue.QueueTestSupport.await;
import static dev.ticketing.queue.QueueTestSupport.enter;
import static dev.ticketing.queue.QueueTestSupport.event;
import static dev.ticketing.queue.QueueTestSupport.me;
import static dev.ticketing.queue.QueueTestSupport.newPerformanceId;
import static dev.ticketing.queue.QueueTestSupport.newUser;
import static dev.ticketing.queue.QueueTestSupport.openRoom;
import static dev.ticketing.queue.QueueTestSupport.publish;
import static org.hamcrest.Matchers.equalTo;

/** Rooms follow booking-svc's performance events; booking events free slots. Real broker, JSON per the contract. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "3"))
@WithTestResource(JwtTestResource.class)
class KafkaEventsTest {

    private static final Duration KAFKA = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    Rooms rooms;

    @Inject
    dev.ticketing.queue.waitingroom.WaitingRoom room;

    private void performanceEvent(String type, String id, long version) {
        publish(bootstrap, "performance-events", id, event(type, version(type, id, version)));
    }

    private static Map<String, Object> version(String type, String id, long version) {
        return type.equals("PerformanceDeleted")
                ? Map.of("performanceId", id, "version", version)
                : Map.of("performanceId", id, "version", version, "title", "Les Misérables", "venue", "Blue Square",
                "category", "musical", "firstShowAt", "2026-12-24T19:00:00+09:00");
    }

    @Test
    void publishedPerformancesHaveRoomsDeletedOnesDoNot() {
        String id = newPerformanceId();
        String user = newUser();
        enter(id, user).statusCode(404);

        performanceEvent("PerformanceUpserted", id, 1);
        await("the room to open", KAFKA, () -> enter(id, user).extract().statusCode() == 201);

        performanceEvent("PerformanceDeleted", id, 2);
        await("the room to close", KAFKA, () -> enter(id, user).extract().statusCode() == 404);
        me(id, user).statusCode(404);

        // A late, stale upsert (version 1 < 2) must not bring the room back; a later event on the same partition
        // proves the stale one was consumed before we look.
        performanceEvent("PerformanceUpserted", id, 1);
        String marker = newPerformanceId();
        performanceEvent("PerformanceUpserted", marker, 1);
        await("the marker room to open", KAFKA, () -> rooms.exists(marker));
        enter(id, user).statusCode(404);

        // Unknown types and unreadable records are skipped without stopping the consumer.
        publish(bootstrap, "performance-events", id, "{not json");
        publish(bootstrap, "performance-events", id, event("PerformanceRenamed", Map.of("performanceId", id)));
        performanceEvent("PerformanceUpserted", id, 3);
        await("the room to reopen at version 3", KAFKA, () -> rooms.exists(id));
    }

    @Test
    void bookingEventsFreeTheSlotAtOnceAndOnlyOnce() {
        String id = openRoom(rooms, 1, 600, 100);
        String buyer = newUser();
        String next = newUser();
        enter(id, buyer).body("status", equalTo("ADMITTED"));
        enter(id, next).body("status", equalTo("WAITING"));

        String completed = event("BookingCompleted", Map.of("userId", buyer, "performanceId", id, "orderId", UUID.randomUUID().toString()));
        publish(bootstrap, "booking-events", id, completed);
        await("the next user to be admitted", KAFKA, () -> "ADMITTED".equals(me(id, next).extract().path("status")));
        me(id, buyer).statusCode(404);

        // The same event again (redelivery) must not free anything: replay it with next's id in the payload.
        String replay = completed.replace(buyer, next);
        publish(bootstrap, "booking-events", id, replay);
        String marker = openRoom(rooms, 1, 600, 100);
        String markerUser = newUser();
        enter(marker, markerUser).body("status", equalTo("ADMITTED"));
        publish(bootstrap, "booking-events", marker, event("BookingAbandoned", Map.of("userId", markerUser, "performanceId", marker)));
        await("the marker booking to be processed", KAFKA, () -> me(marker, markerUser).extract().statusCode() == 404);
        me(id, next).statusCode(200).body("status", equalTo("ADMITTED"));
    }

    /**
     * PerformanceSoldOut: nobody is admitted any more, waiting and newly entering fans see SOLD_OUT with the place they
     * keep, an admitted fan keeps the admission; PerformanceOnSale puts the line back in motion in arrival order; a
     * redelivered PerformanceSoldOut changes nothing.
     */
    @Test
    void aSoldOutPerformanceAdmitsNobodyAndSaysSoUntilItIsOnSaleAgain() {
        String id = openRoom(rooms, 1, 600, 100);
        String buyer = newUser();
        String waiting = newUser();
        enter(id, buyer).body("status", equalTo("ADMITTED"));
        enter(id, waiting).body("status", equalTo("WAITING")).body("position", equalTo(1));

        String soldOut = event("PerformanceSoldOut", Map.of("performanceId", id));
        publish(bootstrap, "performance-events", id, soldOut);
        await("the room to learn it is sold out", KAFKA,
                () -> "SOLD_OUT".equals(me(id, waiting).extract().path("status")));
        me(id, waiting).body("position", equalTo(1)).body("estimatedWaitSeconds", equalTo(0));
        me(id, buyer).body("status", equalTo("ADMITTED"));
        String late = newUser();
        enter(id, late).statusCode(201).body("status", equalTo("SOLD_OUT")).body("position", equalTo(2));

        // The buyer's booking ends: the slot is free, yet an admission round admits nobody.
        publish(bootstrap, "booking-events", id, event("BookingCompleted", Map.of("userId", buyer, "performanceId", id,
                "orderId", UUID.randomUUID().toString())));
        await("the buyer's slot to be freed", KAFKA, () -> me(id, buyer).extract().statusCode() == 404);
        var round = room.admit(id).await().atMost(Duration.ofSeconds(10));
        org.junit.jupiter.api.Assertions.assertTrue(round.soldOut());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), round.admitted());
        me(id, waiting).body("status", equalTo("SOLD_OUT"));

        publish(bootstrap, "performance-events", id, event("PerformanceOnSale", Map.of("performanceId", id)));
        await("the first in line to be admitted", KAFKA, () -> "ADMITTED".equals(me(id, waiting).extract().path("status")));
        me(id, late).body("status", equalTo("WAITING")).body("position", equalTo(1));

        // The old PerformanceSoldOut again (a redelivery): ignored by its event id; a marker behind it proves it was read.
        publish(bootstrap, "performance-events", id, soldOut);
        String marker = newPerformanceId();
        performanceEvent("PerformanceUpserted", marker, 1);
        await("the marker room to open", KAFKA, () -> rooms.exists(marker));
        me(id, late).body("status", equalTo("WAITING"));
    }
}
