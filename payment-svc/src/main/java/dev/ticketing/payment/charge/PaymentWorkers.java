package dev.ticketing.payment.charge;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import dev.ticketing.payment.config.PaymentConfig;

import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs payment steps off the Kafka consumer thread, so a slow provider never stalls order intake, and sweeps for
 * payments whose next attempt is due: interrupted by a crash or restart (lease over), waiting for the provider to
 * settle, or never started. The sweep is what makes "restart mid-payment" safe without any in-memory state.
 */
@ApplicationScoped
public class PaymentWorkers {

    private final PaymentProcessor processor;
    private final PaymentStore store;
    private final PaymentConfig config;
    // Own threads, no propagated context: each step runs its own short transactions.
    private final ExecutorService pool;

    public PaymentWorkers(PaymentProcessor processor, PaymentStore store, PaymentConfig config) {
        this.processor = processor;
        this.store = store;
        this.config = config;
        this.pool = Executors.newFixedThreadPool(config.processing().workers(), r -> {
            Thread t = new Thread(r, "payment-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public void submit(UUID paymentId) {
        try {
            pool.execute(() -> processor.process(paymentId));
        } catch (RejectedExecutionException shuttingDown) {
            Log.debugf("payment %s left to the recovery sweep", paymentId);
        }
    }

    @Scheduled(every = "${payment.processing.recovery-interval}", delayed = "${payment.processing.recovery-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void recoverDuePayments() {
        for (UUID id : store.due(config.processing().recoveryBatchSize())) {
            submit(id);
        }
    }

    @PreDestroy
    void shutdown() {
        pool.shutdown();
    }
}
