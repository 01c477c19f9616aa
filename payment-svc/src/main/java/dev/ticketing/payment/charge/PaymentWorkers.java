package dev.ticketing.payment.charge;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import dev.ticketing.payment.config.PaymentConfig;

import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Runs payment steps off the Kafka consumer thread, so a slow provider never stalls order intake, and sweeps for
 * payments whose next attempt is due: interrupted by a crash or restart (lease over), waiting for the provider to
 * settle, or never started. The sweep is what makes "restart mid-payment" safe without any in-memory state.
 * <p>
 * At most {@code maxInFlight} steps are in progress at once, each holding a permit from its hand-off until it is over
 * (outcome recorded, or failed): that bounds the provider calls in flight, since a step waiting for the provider holds
 * no thread. The steps' database work runs on the few threads of the {@link WorkerPool}.
 */
@ApplicationScoped
public class PaymentWorkers {

    private final PaymentProcessor processor;
    private final PaymentStore store;
    private final PaymentConfig config;
    private final WorkerPool workers;
    private final Semaphore inFlight;

    public PaymentWorkers(PaymentProcessor processor, PaymentStore store, PaymentConfig config, WorkerPool workers) {
        this.processor = processor;
        this.store = store;
        this.config = config;
        this.workers = workers;
        this.inFlight = new Semaphore(config.processing().maxInFlight());
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
        // The step starts on a worker (its claim blocks); the permit is given back exactly once, when it is over.
        processor.process(paymentId).runSubscriptionOn(workers).subscribe().with(
                done -> inFlight.release(),
                failure -> {
                    inFlight.release();
                    if (failure instanceof RejectedExecutionException) {
                        Log.debugf("payment %s left to the recovery sweep", paymentId);
                    } else {
                        // Not even the retry could be recorded (database gone): the lease runs out, the sweep retries.
                        Log.errorf(failure, "payment %s: step failed; left to the recovery sweep", paymentId);
                    }
                });
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
}
