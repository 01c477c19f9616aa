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
import java.util.concurrent.Semaphore;

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
    private final Semaphore inFlight;

    public PaymentWorkers(PaymentProcessor processor, PaymentStore store, PaymentConfig config) {
        this.processor = processor;
        this.store = store;
        this.config = config;
        this.inFlight = new Semaphore(config.processing().maxInFlight());
        this.pool = Executors.newFixedThreadPool(config.processing().workers(), r -> {
            Thread t = new Thread(r, "payment-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Hands a payment to the workers, waiting for room when maxInFlight are in flight (backpressure to intake). */
    public void submit(UUID paymentId) {
        inFlight.acquireUninterruptibly();
        execute(paymentId);
    }

    /** Hands a payment to the workers only if there is room now; false otherwise (the sweep comes back later). */
    public boolean trySubmit(UUID paymentId) {
        if (!inFlight.tryAcquire()) {
            return false;
        }
        execute(paymentId);
        return true;
    }

    private void execute(UUID paymentId) {
        try {
            pool.execute(() -> {
                try {
                    processor.process(paymentId);
                } finally {
                    inFlight.release();
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            inFlight.release();
            Log.debugf("payment %s left to the recovery sweep", paymentId);
        }
    }

    @Scheduled(every = "${payment.processing.recovery-interval}", delayed = "${payment.processing.recovery-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void recoverDuePayments() {
        for (UUID id : store.due(config.processing().recoveryBatchSize())) {
            if (!trySubmit(id)) {
                return; // the workers are busy: the rest stays due for the next sweep
            }
        }
    }

    @PreDestroy
    void shutdown() {
        pool.shutdown();
    }
}
