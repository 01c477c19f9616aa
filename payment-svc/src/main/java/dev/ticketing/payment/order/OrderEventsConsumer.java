package dev.ticketing.payment.order;

import dev.ticketing.payment.tracing.TraceContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.payment.charge.PaymentStore;
import dev.ticketing.payment.charge.PaymentWorkers;
import dev.ticketing.payment.config.PaymentConfig;
import dev.ticketing.payment.order.OrderEvents.OrderCancelled;
import dev.ticketing.payment.order.OrderEvents.OrderPlaced;
import dev.ticketing.payment.messaging.DeadLetters;
import dev.ticketing.payment.messaging.WaitingForDependency;
import dev.ticketing.payment.outbox.Pipeline;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.BeforeRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Order intake: records payments (idempotently) and hands the provider calls to workers, so the consumer never
 * waits for the provider. A polled batch is recorded in one transaction (one commit per poll instead of per record:
 * the commit is what costs under load), in partition order, so an OrderCancelled is always seen after its
 * OrderPlaced. Workers start only after the commit.
 */
@ApplicationScoped
public class OrderEventsConsumer {

    private final ObjectMapper mapper;
    private final Validator validator;
    private final PaymentStore store;
    private final PaymentWorkers workers;
    private final Duration lease;
    private final DeadLetters deadLetters;
    private final Pipeline pipeline;

    public OrderEventsConsumer(ObjectMapper mapper, Validator validator, PaymentStore store, PaymentWorkers workers,
                               PaymentConfig config, DeadLetters deadLetters, Pipeline pipeline) {
        this.deadLetters = deadLetters;
        this.pipeline = pipeline;
        this.lease = config.processing().lease();
        this.mapper = mapper;
        this.validator = validator;
        this.store = store;
        this.workers = workers;
    }

    /**
     * PostgreSQL down is a reason to wait, never to stop: the batch's transaction rolled back, so the same batch is
     * tried again, backing off from 100 ms to 5 s, for as long as it takes (records stay in partition order; the
     * event-id bookkeeping makes the retry idempotent). A record that can never be applied is not retried: it goes
     * to the dead-letter topic once the batch has committed, before the batch is acknowledged.
     */
    @Incoming(OrderEvents.TOPIC)
    @Blocking
    @Retry(maxRetries = -1, maxDuration = 0, delay = 100, jitter = 50)
    @ExponentialBackoff(maxDelay = 5, maxDelayUnit = ChronoUnit.SECONDS)
    @BeforeRetry(WaitingForDependency.class)
    public void onOrderEvents(ConsumerRecords<String, String> records) {
        List<Unprocessable> dead = new ArrayList<>();
        List<OffsetDateTime> placedAt = new ArrayList<>();
        List<UUID> toStart = QuarkusTransaction.requiringNew().call(() -> {
            List<UUID> started = new ArrayList<>();
            for (ConsumerRecord<String, String> record : records) {
                String why;
                // The order's trace continues here: the payment recorded in this span keeps its context.
                try (Scope span = TraceContext.continueFrom(TraceContext.of(record.headers()), "order-events receive",
                        SpanKind.CONSUMER)) {
                    why = onOrderEvent(record.value(), started, placedAt);
                }
                if (why != null) {
                    dead.add(new Unprocessable(record, why));
                }
            }
            return started;
        });
        toStart.forEach(workers::submit);
        Instant committed = Instant.now();
        placedAt.forEach(t -> pipeline.record(Pipeline.PAYMENT_RECORDED, Duration.between(t.toInstant(), committed)));
        dead.forEach(d -> deadLetters.send(OrderEvents.TOPIC, d.record(), d.reason()));
    }

    private record Unprocessable(ConsumerRecord<String, String> record, String reason) {
    }

    /** Applies one record inside the batch's transaction; returns why it can never be applied, or null. */
    private String onOrderEvent(String payload, List<UUID> toStart, List<OffsetDateTime> placedAt) {
        JsonNode node;
        try {
            node = mapper.readTree(payload == null ? "" : payload);
        } catch (JsonProcessingException e) {
            return "not JSON: " + e.getOriginalMessage();
        }
        if (node == null || !node.isObject()) {
            return "not a JSON object";
        }
        UUID eventId = eventId(node);
        if (eventId == null) {
            return "no valid eventId";
        }
        String type = node.path("type").asText("");
        switch (type) {
            case "OrderPlaced" -> placed(eventId, node, toStart, placedAt);
            case "OrderCancelled" -> {
                return cancelled(eventId, node, toStart);
            }
            case "" -> {
                return "no type";
            }
            default -> Log.debugf("ignoring order event type %s", type); // types we do not follow
        }
        return null;
    }

    private void placed(UUID eventId, JsonNode node, List<UUID> toStart, List<OffsetDateTime> placedAt) {
        String orderId = node.path("orderId").isTextual() ? node.path("orderId").asText() : null;
        OrderPlaced order;
        try {
            order = mapper.treeToValue(node, OrderPlaced.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            reject(eventId, orderId, "INVALID_ORDER: unreadable OrderPlaced");
            return;
        }
        String problems = violations(validator.validate(order));
        if (!problems.isEmpty()) {
            reject(eventId, orderId, "INVALID_ORDER: " + problems);
            return;
        }
        store.register(eventId, new PaymentStore.NewPayment(order.orderId(), order.userId(), order.amount(),
                        order.currency(), order.paymentToken()), lease)
                .ifPresentOrElse(id -> {
                    toStart.add(id);
                    if (order.occurredAt() != null) {
                        placedAt.add(order.occurredAt());
                    }
                }, () -> Log.debugf("OrderPlaced %s for order %s is a duplicate", eventId, order.orderId()));
    }

    private String cancelled(UUID eventId, JsonNode node, List<UUID> toStart) {
        OrderCancelled cancel;
        try {
            cancel = mapper.treeToValue(node, OrderCancelled.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return "unreadable OrderCancelled";
        }
        String problems = violations(validator.validate(cancel));
        if (!problems.isEmpty()) {
            return "invalid OrderCancelled: " + problems;
        }
        store.requestCancel(eventId, cancel.orderId(), cancel.reason()).ifPresent(toStart::add);
        return null;
    }

    private void reject(UUID eventId, String orderId, String reason) {
        Log.warnf("order %s cannot be charged: %s", orderId, reason);
        store.rejectOrder(eventId, orderId, reason);
    }

    private static UUID eventId(JsonNode node) {
        try {
            return UUID.fromString(node.path("eventId").asText(""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static <T> String violations(Set<ConstraintViolation<T>> violations) {
        return violations.stream().map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted()
                .collect(Collectors.joining(", "));
    }

}
