package dev.ticketing.booking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;


/** Reads what booking-svc really published on the broker, and plays payment-svc's part by producing its events. */
public final class EventLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventLog() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** Waits until an event matching {@code match} appears on {@code topic}; returns it. */
    public static JsonNode await(String topic, Predicate<JsonNode> match) {
        return awaitRecord(topic, match).event();
    }

    /** The traceparent header of the first record on {@code topic} matching {@code match} (null when it has none). */
    public static String traceparentOf(String topic, Predicate<JsonNode> match) {
        var h = awaitRecord(topic, match).record().headers().lastHeader("traceparent");
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private record Found(ConsumerRecord<String, String> record, JsonNode event) {
    }

    private static Found awaitRecord(String topic, Predicate<JsonNode> match) {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            Found[] found = new Found[1];
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(300))) {
                    JsonNode n;
                    try {
                        n = JSON.readTree(r.value());
                    } catch (Exception notJson) {
                        continue; // the broker is shared by the build: other modules' tests publish poison records
                    }
                    if (match.test(n)) {
                        found[0] = new Found(r, n);
                        return true;
                    }
                }
                return false;
            });
            return found[0];
        }
    }

    public static void publishPaymentEvent(String eventId, String type, String orderId, Map<String, Object> fields) {
        publishPaymentEvent(eventId, type, orderId, fields, null);
    }

    /** A payment result as payment-svc publishes it. */
    public record PaymentResult(String eventId, String type, String orderId, Map<String, Object> fields) {
    }

    /** With a W3C {@code traceparent} header, as payment-svc's relay sends it (null: none). */
    public static void publishPaymentEvent(String eventId, String type, String orderId, Map<String, Object> fields,
                                           String traceparent) {
        publish(List.of(new PaymentResult(eventId, type, orderId, fields)), traceparent);
    }

    /** Many results sent back to back by one producer, as payment-svc's relay sends a batch: they arrive in few polls. */
    public static void publishPaymentEvents(List<PaymentResult> results) {
        publish(results, null);
    }

    private static void publish(List<PaymentResult> results, String traceparent) {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (PaymentResult r : results) {
                var event = JSON.createObjectNode();
                event.put("eventId", r.eventId());
                event.put("type", r.type());
                event.put("schemaVersion", 1);
                event.put("occurredAt", java.time.OffsetDateTime.now().toString());
                event.put("orderId", r.orderId());
                r.fields().forEach((k, v) -> event.set(k, JSON.valueToTree(v)));
                var record = new ProducerRecord<>("payment-events", r.orderId(), event.toString());
                if (traceparent != null) {
                    record.headers().add("traceparent", traceparent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                sent.add(producer.send(record));
            }
            for (var f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
