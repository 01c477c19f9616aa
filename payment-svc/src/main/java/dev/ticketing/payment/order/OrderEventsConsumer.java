package dev.ticketing.payment.order;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.payment.charge.PaymentStore;
import dev.ticketing.payment.charge.PaymentWorkers;
import dev.ticketing.payment.config.PaymentConfig;
import dev.ticketing.payment.order.OrderEvents.OrderCancelled;
import dev.ticketing.payment.order.OrderEvents.OrderPlaced;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;
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

    public OrderEventsConsumer(ObjectMapper mapper, Validator validator, PaymentStore store, PaymentWorkers workers,
                               PaymentConfig config) {
        this.lease = config.processing().lease();
        this.mapper = mapper;
        this.validator = validator;
        this.store = store;
        this.workers = workers;
    }

    @Incoming(OrderEvents.TOPIC)
    @Blocking
    // A database hiccup must not drop orders: the batch's transaction rolled back, so retrying it is safe.
    @Retry(maxRetries = 10, delay = 500, jitter = 200)
    public void onOrderEvents(List<String> payloads) {
        List<UUID> toStart = QuarkusTransaction.requiringNew().call(() -> {
            List<UUID> started = new ArrayList<>();
            for (String payload : payloads) {
                onOrderEvent(payload, started);
            }
            return started;
        });
        toStart.forEach(workers::submit);
    }

    private void onOrderEvent(String payload, List<UUID> toStart) {
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            Log.errorf("skipping an order event that is not JSON: %s", abbreviate(payload));
            return;
        }
        UUID eventId = eventId(node);
        if (eventId == null) {
            Log.errorf("skipping an order event without a valid eventId: %s", abbreviate(payload));
            return;
        }
        switch (node.path("type").asText("")) {
            case "OrderPlaced" -> placed(eventId, node, toStart);
            case "OrderCancelled" -> cancelled(eventId, node, toStart);
            default -> Log.debugf("ignoring order event type %s", node.path("type").asText());
        }
    }

    private void placed(UUID eventId, JsonNode node, List<UUID> toStart) {
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
                .ifPresentOrElse(toStart::add,
                        () -> Log.debugf("OrderPlaced %s for order %s is a duplicate", eventId, order.orderId()));
    }

    private void cancelled(UUID eventId, JsonNode node, List<UUID> toStart) {
        OrderCancelled cancel;
        try {
            cancel = mapper.treeToValue(node, OrderCancelled.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Log.errorf("skipping an unreadable OrderCancelled %s", eventId);
            return;
        }
        String problems = violations(validator.validate(cancel));
        if (!problems.isEmpty()) {
            Log.errorf("skipping an invalid OrderCancelled %s: %s", eventId, problems);
            return;
        }
        store.requestCancel(eventId, cancel.orderId(), cancel.reason()).ifPresent(toStart::add);
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

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
