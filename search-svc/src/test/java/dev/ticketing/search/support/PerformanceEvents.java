package dev.ticketing.search.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Publishes performance events exactly as docs/architecture.md pins them, the way booking-svc's outbox relay does.
 * Every record goes to partition 0 so a test knows the order the consumer applies them in: once a later "marker"
 * record is visible, every earlier one has been processed.
 */
public final class PerformanceEvents implements AutoCloseable {

    public static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.ofHours(9)).withNano(0);

    private final ObjectMapper json = new ObjectMapper();
    private final KafkaProducer<String, String> producer;

    public PerformanceEvents(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /** A PerformanceUpserted with one showtime per day from firstShowAt to lastShowAt. */
    public ObjectNode upserted(String id, long version, String title, String description, String venue,
                               String category, OffsetDateTime first, OffsetDateTime last) {
        ObjectNode e = envelope("PerformanceUpserted");
        e.put("performanceId", id).put("version", version).put("title", title).put("description", description)
                .put("venue", venue).put("category", category);
        var showtimes = e.putArray("showtimes");
        for (OffsetDateTime t = first; !t.isAfter(last); t = t.plusDays(1)) {
            showtimes.addObject().put("showtimeId", id + "-" + t.toLocalDate()).put("startsAt", t.toString());
        }
        e.put("firstShowAt", first.toString()).put("lastShowAt", last.toString());
        return e;
    }

    public ObjectNode deleted(String id, long version) {
        ObjectNode e = envelope("PerformanceDeleted");
        e.put("performanceId", id).put("version", version);
        return e;
    }

    private ObjectNode envelope(String type) {
        ObjectNode e = json.createObjectNode();
        e.put("eventId", UUID.randomUUID().toString()).put("type", type).put("schemaVersion", 1)
                .put("occurredAt", OffsetDateTime.now(ZoneOffset.UTC).toString());
        return e;
    }

    public void send(String key, Object event) {
        try {
            String value = event instanceof String s ? s : json.writeValueAsString(event);
            producer.send(new ProducerRecord<>(PerformanceEventsTopic.TOPIC, 0, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + key, e);
        }
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        producer.close();
    }
}
