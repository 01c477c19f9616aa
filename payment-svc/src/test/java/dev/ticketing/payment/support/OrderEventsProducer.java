package dev.ticketing.payment.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Plays booking-svc: OrderPlaced / OrderCancelled JSON on {@code order-events}, keyed by order id. */
public final class OrderEventsProducer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaProducer<String, String> producer;

    public OrderEventsProducer(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    public static Map<String, Object> orderPlaced(UUID eventId, String orderId, String userId, long amount,
                                                  String paymentToken) {
        Map<String, Object> e = envelope(eventId, "OrderPlaced");
        e.put("orderId", orderId);
        e.put("userId", userId);
        e.put("performanceId", "perf-1");
        e.put("showtimeId", "show-1");
        e.put("seatIds", List.of("A-1", "A-2"));
        e.put("amount", amount);
        e.put("currency", "KRW");
        e.put("paymentToken", paymentToken);
        return e;
    }

    public static Map<String, Object> orderCancelled(UUID eventId, String orderId, String userId, String reason) {
        Map<String, Object> e = envelope(eventId, "OrderCancelled");
        e.put("orderId", orderId);
        e.put("userId", userId);
        e.put("reason", reason);
        return e;
    }

    private static Map<String, Object> envelope(UUID eventId, String type) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", eventId.toString());
        e.put("type", type);
        e.put("schemaVersion", 1);
        e.put("occurredAt", OffsetDateTime.now(ZoneOffset.ofHours(9)).toString());
        return e;
    }

    public void send(String orderId, Map<String, Object> event) {
        try {
            sendRaw(orderId, JSON.writeValueAsString(event));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** With a W3C {@code traceparent} header, as booking-svc's relay sends it. */
    public void send(String orderId, Map<String, Object> event, String traceparent) {
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>("order-events", orderId,
                    JSON.writeValueAsString(event));
            record.headers().add("traceparent", traceparent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fire and forget (for load): call {@link #flush()} to wait for every send. */
    public void sendAsync(String orderId, Map<String, Object> event) {
        try {
            producer.send(new ProducerRecord<>("order-events", orderId, JSON.writeValueAsString(event)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void flush() {
        producer.flush();
    }

    public void sendRaw(String key, String value) {
        try {
            producer.send(new ProducerRecord<>("order-events", key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to order-events", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
