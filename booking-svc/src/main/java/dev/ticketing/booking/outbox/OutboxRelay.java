package dev.ticketing.booking.outbox;

import dev.ticketing.booking.tracing.TraceContext;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.nio.charset.StandardCharsets;
import dev.ticketing.booking.config.BookingConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and marks them published once the broker acknowledged
 * them (at least once: a crash between ack and mark republishes; consumers deduplicate by eventId).
 * <p>
 * It runs right after every commit that appended an event (so an order reaches payment-svc in milliseconds, not at
 * the next poll) and on a timer, the safety net for rows a failed send left behind. A pass sends its whole batch at
 * once and waits for the acks together, so a batch costs one broker round trip, not one per row. One relay at a
 * time across pods (a PostgreSQL advisory lock) and one thread per pod: rows of one key are sent in order, and the
 * idempotent producer keeps them in order within their partition.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final long LOCK_KEY = 0x626f6f6b696e67L; // "booking"

    private final AgroalDataSource db;
    private final MutinyEmitter<String> emitter;
    private final BookingConfig.Outbox config;
    private final Pipeline pipeline;
    private final AtomicLong backlog;
    // A plain thread of its own: the relay must not inherit the committing transaction's context.
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();

    public OutboxRelay(AgroalDataSource db,
                       @Channel("outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
                       MutinyEmitter<String> emitter,
                       BookingConfig config, Pipeline pipeline, MeterRegistry metrics) {
        this.db = db;
        this.emitter = emitter;
        this.config = config.outbox();
        this.pipeline = pipeline;
        this.backlog = metrics.gauge("booking.outbox.backlog", new AtomicLong());
    }

    private record Row(UUID id, String topic, String key, String type, String payload, OffsetDateTime occurredAt,
                       String traceparent) {
    }

    @PreDestroy
    void shutdown() {
        executor.shutdown();
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Appended event) {
        wake();
    }

    // Not before the application runs: the Kafka channel is wired during start-up.
    @Scheduled(every = "${booking.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onTimer() {
        wake();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from outbox_event where published_at is null");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            backlog.set(rs.getLong(1));
        } catch (SQLException | RuntimeException e) {
            Log.debugf("outbox backlog not read: %s", e.getMessage());
        }
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
                while (relayBatch() == config.batchSize()) {
                    // a full batch: more rows are probably waiting
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("outbox relay paused: %s", e.getMessage());
        } finally {
            running.set(false);
            if (requested.get()) {
                wake();
            }
        }
    }

    /**
     * Publishes one batch; returns how many rows it published (0 also when another pod holds the relay).
     * <p>
     * No JTA transaction around the sends: the producer's callbacks would carry the transaction's context to the
     * Kafka threads, and Narayana refuses a commit with another thread inside it (the batch would roll back and be
     * sent again). The pass runs on one plain connection instead, in autocommit, holding a session-level advisory
     * lock until its rows are marked; a pod that dies loses its connection and with it the lock.
     */
    int relayBatch() {
        try (Connection c = db.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            if (!advisory(c, "select pg_try_advisory_lock(?)")) {
                return 0; // another pod is relaying right now; its pass takes these rows
            }
            try {
                return publish(c);
            } finally {
                advisory(c, "select pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean advisory(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static RecordHeaders headers(String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        if (traceparent != null) {
            headers.add(TraceContext.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private int publish(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select id, topic, event_key, event_type, payload::text, occurred_at, traceparent from outbox_event
                where published_at is null order by occurred_at, id limit ?""")) {
            ps.setInt(1, config.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getObject(6, OffsetDateTime.class), rs.getString(7)));
                }
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        // Sent in order from this one thread, acknowledged together.
        List<Uni<Void>> sends = rows.stream().map(r -> emitter.sendMessage(Message.of(r.payload()).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withTopic(r.topic()).withKey(r.key())
                        .withHeaders(headers(r.traceparent())).build())))
                .toList();
        Uni.join().all(sends).andFailFast().await().atMost(config.sendTimeout());
        Instant acked = Instant.now();
        try (PreparedStatement ps = c.prepareStatement("update outbox_event set published_at = now() where id = any(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", rows.stream().map(Row::id).toArray()));
            ps.executeUpdate();
        }
        for (Row r : rows) {
            if ("OrderPlaced".equals(r.type())) {
                pipeline.record(Pipeline.ORDER_PUBLISHED, Duration.between(r.occurredAt().toInstant(), acked));
            }
        }
        return rows.size();
    }
}
