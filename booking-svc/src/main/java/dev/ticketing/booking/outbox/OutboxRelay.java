package dev.ticketing.booking.outbox;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and marks them published once the broker acknowledged
 * them. Safe with several pods: rows are claimed with FOR UPDATE SKIP LOCKED. Delivery is at least once (a crash
 * between ack and mark republishes); consumers deduplicate by eventId.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final int BATCH = 200;

    private final AgroalDataSource db;
    private final MutinyEmitter<String> emitter;
    private final AtomicLong backlog;

    public OutboxRelay(AgroalDataSource db, @Channel("outbox") MutinyEmitter<String> emitter, MeterRegistry metrics) {
        this.db = db;
        this.emitter = emitter;
        this.backlog = metrics.gauge("booking.outbox.backlog", new AtomicLong());
    }

    private record Row(UUID id, String topic, String key, String payload) {
    }

    @Scheduled(every = "${booking.outbox.poll-interval:0.2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relay() {
        try {
            while (relayBatch() == BATCH) {
                // keep draining while full batches come back
            }
        } catch (RuntimeException e) {
            Log.warnf("outbox relay paused: %s", e.getMessage());
        }
    }

    @Transactional
    int relayBatch() {
        List<Row> rows = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    select id, topic, event_key, payload::text from outbox_event
                    where published_at is null order by occurred_at, id limit ? for update skip locked""")) {
                ps.setInt(1, BATCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            for (Row r : rows) {
                emitter.sendMessageAndAwait(Message.of(r.payload()).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withTopic(r.topic()).withKey(r.key()).build()));
            }
            if (!rows.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "update outbox_event set published_at = now() where id = any(?)")) {
                    ps.setArray(1, c.createArrayOf("uuid", rows.stream().map(Row::id).toArray()));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "select count(*) from outbox_event where published_at is null");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                backlog.set(Math.max(0, rs.getLong(1) - rows.size()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows.size();
    }
}
