package dev.ticketing.booking.sweeper;

import dev.ticketing.booking.hold.HoldService;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** Keeps the Redis seat gate converging on PostgreSQL for showtimes that are selling right now. */
@ApplicationScoped
public class SeatGateReconciler {

    private final HoldService holds;

    public SeatGateReconciler(HoldService holds) {
        this.holds = holds;
    }

    @Scheduled(every = "${booking.seat-gate.reconcile-interval:30s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcile() {
        try {
            holds.reconcileGate(Duration.ofMinutes(2));
        } catch (RuntimeException e) {
            Log.warnf("seat gate reconciliation failed, retrying next tick: %s", e.getMessage());
        }
    }
}
