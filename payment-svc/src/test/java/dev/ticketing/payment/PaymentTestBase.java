package dev.ticketing.payment;

import dev.ticketing.payment.support.OrderEventsProducer;
import dev.ticketing.payment.support.PaymentEventsProbe;
import dev.ticketing.payment.support.Sandbox;
import io.agroal.api.AgroalDataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

/**
 * What every payment-svc test needs: a producer playing booking-svc on order-events, a consumer reading
 * payment-events, the sandbox provider over HTTP, and the service's own database.
 */
abstract class PaymentTestBase {

    static final Duration WAIT = Duration.ofSeconds(45);

    private static OrderEventsProducer sharedProducer;
    private static PaymentEventsProbe sharedProbe;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "quarkus.rest-client.toss-payments.url")
    String sandboxUrl;

    @Inject
    AgroalDataSource db;

    @Inject
    CircuitBreakerMaintenance circuitBreakers;

    Sandbox sandbox;
    OrderEventsProducer orders;
    PaymentEventsProbe events;

    @BeforeEach
    void connect() {
        synchronized (PaymentTestBase.class) {
            if (sharedProducer == null) {
                sharedProducer = new OrderEventsProducer(bootstrap);
                sharedProbe = new PaymentEventsProbe(bootstrap);
            }
        }
        orders = sharedProducer;
        events = sharedProbe;
        sandbox = new Sandbox(sandboxUrl);
        // A test that drives the provider into failures must not leave an open breaker to the next one.
        circuitBreakers.resetAll();
    }

    static String newOrderId() {
        return "ord-" + UUID.randomUUID();
    }

    void placeOrder(String orderId, String userId, long amount, String token) {
        orders.send(orderId, OrderEventsProducer.orderPlaced(UUID.randomUUID(), orderId, userId, amount, token));
    }

    /** The payment's status in payment-svc's database, or null when there is no payment for the order. */
    String statusOf(String orderId) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("select status from payment where order_id = ?")) {
            q.setString(1, orderId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    int count(String sql, String arg) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, arg);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Waits until the payment reaches the status (for states that publish no event). */
    void awaitStatus(String orderId, String status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (status.equals(statusOf(orderId))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("payment of " + orderId + " is " + statusOf(orderId) + ", expected " + status);
    }

    long eventsOfType(String orderId, String type) {
        return events.events(orderId).stream().filter(e -> type.equals(e.path("type").asText())).count();
    }
}
