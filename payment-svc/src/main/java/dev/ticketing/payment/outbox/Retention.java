package dev.ticketing.payment.outbox;

import dev.ticketing.payment.config.PaymentConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Keeps payment-svc's outbox_event and processed_event from growing forever. Published outbox rows serve only
 * inspection; processed order-event ids guard against redelivery, so they are kept longer than order-events keeps
 * records (7 days in k8s/kafka.yaml) — forgetting an id its record can still bring back would charge twice. An
 * unpublished outbox row is never purged, whatever its age. Deletes run in small batches (short locks) and are safe
 * on every pod at once.
 */
@ApplicationScoped
public class Retention {

    static final int BATCH = 5_000;

    private final AgroalDataSource db;
    private final MeterRegistry metrics;
    private final Duration outbox;
    private final Duration processed;

    public Retention(AgroalDataSource db, MeterRegistry metrics, PaymentConfig config) {
        this.db = db;
        this.metrics = metrics;
        this.outbox = config.retention().outbox();
        this.processed = config.retention().processedEvents();
    }

    @Scheduled(every = "${payment.retention.every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onTimer() {
        try {
            purge();
        } catch (RuntimeException e) {
            Log.warnf("retention purge failed, trying again at the next run: %s", e.getMessage());
        }
    }

    /** Deletes what is older than the configured ages; returns the rows deleted (outbox, processed). */
    public long[] purge() {
        return new long[]{
                purge("outbox_event", "published_at", outbox),
                purge("processed_event", "processed_at", processed)};
    }

    private long purge(String table, String column, Duration age) {
        // published_at is null for a row not yet relayed: null never compares as older, so it stays.
        String sql = "delete from " + table + " where ctid = any(array(select ctid from " + table + " where " + column
                + " < now() - make_interval(secs => ?) limit " + BATCH + "))";
        long total = 0;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int n;
            do {
                ps.setDouble(1, age.toSeconds());
                n = ps.executeUpdate();
                total += n;
            } while (n == BATCH);
        } catch (SQLException e) {
            throw new IllegalStateException("purging " + table + ": " + e.getMessage(), e);
        }
        if (total > 0) {
            metrics.counter("payment.retention.purged", "table", table).increment(total);
            Log.infof("retention: %d rows of %s older than %s deleted", total, table, age);
        }
        return total;
    }
}
