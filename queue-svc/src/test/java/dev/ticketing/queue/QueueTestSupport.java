package dev.ticketing.queue;

import dev.ticketing.queue.room.RoomConfigRequest;
import dev.ticketing.queue.room.Rooms;
import dev.ticketing.testsupport.JwtTestResource;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;

/** Helpers shared by the queue-svc tests (real Redis, real Kafka, tokens signed like auth-svc's). */
final class QueueTestSupport {

    private QueueTestSupport() {
    }

    static String newPerformanceId() {
        return "perf-" + UUID.randomUUID();
    }

    static String newUser() {
        return UUID.randomUUID().toString();
    }

    static String token(String userId) {
        return JwtTestResource.accessToken(userId);
    }

    static String adminToken() {
        return JwtTestResource.accessToken("admin-" + UUID.randomUUID(), "admin");
    }

    /** A published room with the given settings, without waiting for Kafka (the Kafka path has its own tests). */
    static String openRoom(Rooms rooms, int capacity, int ttlSeconds, int admitPerSecond) {
        String id = newPerformanceId();
        rooms.applyPerformanceEvent(UUID.randomUUID().toString(), id, 1, true);
        rooms.configure(id, new RoomConfigRequest(capacity, ttlSeconds, admitPerSecond));
        return id;
    }

    static ValidatableResponse enter(String performanceId, String userId) {
        return given().auth().oauth2(token(userId)).post("/api/queues/{p}/entries", performanceId).then();
    }

    static ValidatableResponse me(String performanceId, String userId) {
        return given().auth().oauth2(token(userId)).get("/api/queues/{p}/entries/me", performanceId).then();
    }

    static void leave(String performanceId, String userId) {
        given().auth().oauth2(token(userId)).delete("/api/queues/{p}/entries/me", performanceId).then().statusCode(204);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String event(String type, Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder("{\"eventId\":\"").append(UUID.randomUUID())
                .append("\",\"type\":\"").append(type)
                .append("\",\"schemaVersion\":1,\"occurredAt\":\"").append(OffsetDateTime.now()).append('"');
        fields.forEach((k, v) -> {
            sb.append(",\"").append(k).append("\":");
            sb.append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
        });
        return sb.append('}').toString();
    }

    /** Sends to partition 0 so that the order of events across keys is the order the consumer sees. */
    static void publish(String bootstrap, String topic, String key, String json) {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(topic, 0, key, json)).get();
        } catch (Exception e) {
            throw new AssertionError("cannot publish to " + topic, e);
        }
    }
}
