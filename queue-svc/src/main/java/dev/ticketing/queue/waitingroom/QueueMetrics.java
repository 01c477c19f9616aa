package dev.ticketing.queue.waitingroom;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Domain metrics: waiting/active size and out-of-order admissions per room (gauges refreshed by every admission
 * round), admits (counter: rate() gives admits/s), time in queue (histogram), connected sockets.
 */
@ApplicationScoped
public class QueueMetrics {

    private record RoomGauges(AtomicLong waiting, AtomicLong active, AtomicLong prequeued, AtomicLong inversions) {
    }

    private final MeterRegistry registry;
    private final Map<String, RoomGauges> rooms = new ConcurrentHashMap<>();
    private final Timer timeInQueue;
    private final AtomicLong sockets = new AtomicLong();

    public QueueMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.timeInQueue = Timer.builder("queue.time.in.queue")
                .description("Time from arrival (last entry) to admission")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofHours(2))
                .register(registry);
        Gauge.builder("queue.sockets.connected", sockets, AtomicLong::get)
                .description("Open waiting-room WebSockets on this pod").register(registry);
    }

    public void roomSizes(String performanceId, long waiting, long active, long prequeued, long inversions) {
        RoomGauges g = rooms.computeIfAbsent(performanceId, this::register);
        g.waiting().set(waiting);
        g.prequeued().set(prequeued);
        g.active().set(active);
        g.inversions().set(inversions);
    }

    private RoomGauges register(String performanceId) {
        RoomGauges g = new RoomGauges(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
        Gauge.builder("queue.prequeue.size", g.prequeued(), AtomicLong::get).tag("performance", performanceId)
                .description("Fans in the pre-queue of a scheduled opening, not drawn yet").register(registry);
        Gauge.builder("queue.waiting.size", g.waiting(), AtomicLong::get).tag("performance", performanceId)
                .description("Users waiting in the line").register(registry);
        Gauge.builder("queue.active.size", g.active(), AtomicLong::get).tag("performance", performanceId)
                .description("Users admitted with a live session").register(registry);
        Gauge.builder("queue.fairness.inversions", g.inversions(), AtomicLong::get).tag("performance", performanceId)
                .description("Admissions that overtook an earlier arrival (users who never re-entered); must stay 0")
                .register(registry);
        return g;
    }

    public void roomGone(String performanceId) {
        if (rooms.remove(performanceId) != null) {
            for (String name : List.of("queue.waiting.size", "queue.active.size", "queue.prequeue.size",
                    "queue.fairness.inversions")) {
                var meter = registry.find(name).tag("performance", performanceId).meter();
                if (meter != null) {
                    registry.remove(meter);
                }
            }
        }
    }

    public void admitted(String performanceId, List<Admission> admissions) {
        if (admissions.isEmpty()) {
            return;
        }
        Counter.builder("queue.admits").tag("performance", performanceId).description("Users admitted")
                .register(registry).increment(admissions.size());
        long now = System.currentTimeMillis();
        for (Admission a : admissions) {
            timeInQueue.record(Duration.ofMillis(Math.max(0, now - a.arrivalMillis())));
        }
    }

    public void socketOpened() {
        sockets.incrementAndGet();
    }

    public void socketClosed() {
        sockets.decrementAndGet();
    }
}
