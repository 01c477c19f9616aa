package dev.ticketing.payment.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Plays booking-svc's consumer: reads {@code payment-events} from the beginning and keeps them by order id. */
public final class PaymentEventsProbe implements AutoCloseable {

    /** {@code traceparent}: the record's W3C trace context header, or null. */
    public record Received(String key, JsonNode event, long receivedAtNanos, String traceparent) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, List<Received>> byOrder = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    public PaymentEventsProbe(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of("payment-events"));
        poller = new Thread(this::poll, "payment-events-probe");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode event;
                    try {
                        event = JSON.readTree(r.value());
                    } catch (Exception notJson) {
                        continue; // the broker is shared by the build: skip other tests' poison records
                    }
                    String orderId = event.path("orderId").asText();
                    byOrder.computeIfAbsent(orderId, k -> new CopyOnWriteArrayList<>())
                            .add(new Received(r.key(), event, System.nanoTime(), traceparent(r)));
                }
            }
        } catch (WakeupException stop) {
            // closing
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            consumer.close();
        }
    }

    private static String traceparent(ConsumerRecord<String, String> r) {
        var h = r.headers().lastHeader("traceparent");
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public List<JsonNode> events(String orderId) {
        List<JsonNode> out = new ArrayList<>();
        byOrder.getOrDefault(orderId, List.of()).forEach(r -> out.add(r.event()));
        return out;
    }

    public List<Received> received(String orderId) {
        return List.copyOf(byOrder.getOrDefault(orderId, List.of()));
    }

    /** The first event of that type for the order; fails the test after {@code timeout}. */
    public JsonNode await(String orderId, String type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : events(orderId)) {
                if (type.equals(e.path("type").asText())) {
                    return e;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no " + type + " for order " + orderId + " within " + timeout
                + "; saw " + events(orderId));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(5000);
    }
}
