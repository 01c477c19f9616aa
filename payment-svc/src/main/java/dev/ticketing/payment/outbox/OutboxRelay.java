package dev.ticketing.payment.outbox;

import dev.ticketing.payment.config.PaymentConfig;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and marks them published only after the broker
 * acknowledged them (at least once; consumers dedupe by event id). It runs right after every commit that appended
 * an event and on a timer, which also retries rows a failed send left behind. One relay at a time: a flag within
 * this process and a PostgreSQL advisory lock across replicas, so events of one order never overtake each other.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final long LOCK_KEY = 0x7061796d656e74L; // "payment"

    private final EntityManager em;
    private final MutinyEmitter<String> emitter;
    // A plain thread of its own: the relay must not inherit the committing transaction's context.
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private final PaymentConfig config;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();

    public OutboxRelay(EntityManager em, @Channel(PaymentEvents.TOPIC) MutinyEmitter<String> emitter,
                       PaymentConfig config) {
        this.em = em;
        this.emitter = emitter;
        this.config = config;
    }

    @PreDestroy
    void shutdown() {
        executor.shutdown();
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Appended event) {
        wake();
    }

    // Not before the application runs: the Kafka channel is wired during start-up.
    @Scheduled(every = "${payment.outbox.relay-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onTimer() {
        wake();
    }

    /** Asks for a relay pass; coalesces with a pass already running. */
    public void wake() {
        requested.set(true);
        if (running.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                running.set(false);
            }
        }
    }

    private void drain() {
        try {
            while (requested.getAndSet(false)) {
                while (relayBatch() == config.outbox().batchSize()) {
                    // a full batch: more rows are probably waiting
                }
            }
        } catch (RuntimeException e) {
            Log.warnf(e, "outbox relay pass failed; unpublished rows stay for the next pass");
        } finally {
            running.set(false);
            if (requested.get()) {
                wake();
            }
        }
    }

    /** Publishes one batch; returns how many rows it published. */
    int relayBatch() {
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean mine = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(:k)")
                    .setParameter("k", LOCK_KEY).getSingleResult();
            if (!mine) {
                return 0; // another replica is relaying right now
            }
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("""
                            select cast(id as text), topic, event_key, cast(payload as text) from outbox_event
                            where published_at is null order by seq limit :n""")
                    .setParameter("n", config.outbox().batchSize())
                    .getResultList();
            if (rows.isEmpty()) {
                return 0;
            }
            List<Uni<Void>> sends = rows.stream().map(r -> emitter.sendMessage(Message.of((String) r[3])
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                            .withTopic((String) r[1]).withKey((String) r[2]).build()))).toList();
            Uni.join().all(sends).andFailFast().await().atMost(config.outbox().sendTimeout());
            List<UUID> ids = rows.stream().map(r -> UUID.fromString((String) r[0])).toList();
            em.createNativeQuery("update outbox_event set published_at = now() where id in (:ids)")
                    .setParameter("ids", ids).executeUpdate();
            return rows.size();
        });
    }
}
