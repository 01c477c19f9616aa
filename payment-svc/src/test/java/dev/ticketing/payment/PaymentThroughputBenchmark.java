package dev.ticketing.payment;

import dev.ticketing.payment.support.OrderEventsProducer;
import dev.ticketing.payment.support.PaymentEventsProbe;
import dev.ticketing.payment.support.SandboxTestResource;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Payments per second through the real broker, payment-svc, PostgreSQL and the sandbox over HTTP (payment-svc and
 * the sandbox in this JVM), and latency from producing OrderPlaced to consuming PaymentApproved. Prints figures;
 * asserts only that every order was approved and captured exactly once. Run with {@code -Pbench}.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payment"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(SandboxTestResource.class)
class PaymentThroughputBenchmark extends PaymentTestBase {

    @Test
    void approvePaymentsEndToEnd() throws Exception {
        int warmup = Integer.getInteger("bench.warmup", 200);
        int orders = Integer.getInteger("bench.orders", 1000);
        run("warm-up", warmup);
        Result r = run("measured", orders);
        System.out.printf("%n=== payment-svc benchmark: %d orders (tok_approve), after %d warm-up ===%n", orders, warmup);
        System.out.printf("throughput      %.0f payments/s (first OrderPlaced sent -> last PaymentApproved received)%n",
                r.throughput());
        System.out.printf("latency p50     %d ms%nlatency p95     %d ms%nlatency p99     %d ms%nlatency max     %d ms%n",
                r.percentile(50), r.percentile(95), r.percentile(99), r.percentile(100));
        System.out.printf("captures        %d (expected %d)%n%n", r.captures(), orders);
        assertEquals(orders, r.captures());
    }

    record Result(List<Long> latenciesMillis, long wallNanos, long captures) {
        double throughput() {
            return latenciesMillis.size() / (wallNanos / 1e9);
        }

        long percentile(int p) {
            List<Long> sorted = new ArrayList<>(latenciesMillis);
            Collections.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    private Result run(String label, int n) throws Exception {
        String prefix = "bench-" + label + "-" + System.nanoTime() + "-";
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String orderId = prefix + i;
            sentAt.put(orderId, System.nanoTime());
            orders.sendAsync(orderId, OrderEventsProducer.orderPlaced(UUID.randomUUID(), orderId, "bench-user",
                    10_000 + i, "tok_approve"));
        }
        orders.flush();
        List<Long> latencies = new ArrayList<>();
        long lastReceived = start;
        long captures = 0;
        for (int i = 0; i < n; i++) {
            String orderId = prefix + i;
            events.await(orderId, "PaymentApproved", Duration.ofMinutes(5));
            PaymentEventsProbe.Received received = events.received(orderId).get(0);
            latencies.add((received.receivedAtNanos() - sentAt.get(orderId)) / 1_000_000);
            lastReceived = Math.max(lastReceived, received.receivedAtNanos());
        }
        for (int i = 0; i < n; i++) {
            captures += sandbox.ledgerKinds(prefix + i).size();
        }
        return new Result(latencies, lastReceived - start, captures);
    }
}
