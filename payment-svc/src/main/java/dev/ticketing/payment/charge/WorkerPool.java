package dev.ticketing.payment.charge;

import dev.ticketing.payment.config.PaymentConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code payment.processing.workers} platform threads on which the blocking parts of a payment step run: its
 * short database transactions (claim, outcome, bookkeeping). Provider calls hold none of them while waiting (they are
 * non-blocking), so a few threads serve many payments in flight; the answers come back here, never to a Vert.x event
 * loop, where JDBC must not run.
 */
@ApplicationScoped
@Typed(WorkerPool.class) // never the injected answer to a plain Executor
public class WorkerPool implements Executor {

    // Own threads, no propagated context: each step runs its own short transactions.
    private final ExecutorService pool;

    public WorkerPool(PaymentConfig config) {
        this.pool = Executors.newFixedThreadPool(config.processing().workers(), r -> {
            Thread t = new Thread(r, "payment-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Throws {@link java.util.concurrent.RejectedExecutionException} once shutting down. */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @PreDestroy
    void shutdown() {
        pool.shutdown();
    }
}
