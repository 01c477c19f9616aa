package dev.ticketing.payment.charge;

import dev.ticketing.payment.config.PaymentConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Periodic reconciliation with the provider: every FAILED payment of the last {@code payment.reconciliation.lookback}
 * after which one of our confirms had gone unanswered is asked about again, and a late capture is refunded. The
 * processor already never fails a payment while such a confirm may still land (the settle window); this catches
 * whatever a provider still captures after that. Payments not final yet are the recovery sweep's
 * ({@link PaymentWorkers}): they are asked about until settled.
 */
@ApplicationScoped
public class Reconciliation {

    private final PaymentStore store;
    private final PaymentProcessor processor;
    private final PaymentConfig.Reconciliation config;

    public Reconciliation(PaymentStore store, PaymentProcessor processor, PaymentConfig config) {
        this.store = store;
        this.processor = processor;
        this.config = config.reconciliation();
    }

    @Scheduled(every = "${payment.reconciliation.every}", delayed = "${payment.reconciliation.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void reconcile() {
        for (Payment p : store.toReconcile(config.lookback(), config.batchSize())) {
            try {
                // One at a time, on this scheduler thread (which may wait): each provider call is bounded by its
                // fault-tolerance timeout, and the run never overlaps the next one.
                processor.reconcile(p).await().indefinitely();
            } catch (RuntimeException e) {
                Log.warnf(e, "reconciliation of order %s failed; next run", p.orderId);
            }
        }
    }
}
