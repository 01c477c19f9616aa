package dev.ticketing.booking.availability;

import dev.ticketing.booking.outbox.Events;
import dev.ticketing.booking.outbox.Outbox;
import dev.ticketing.booking.outbox.Topics;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a performance is sold out — every seat of every showtime SOLD — kept in {@code performance.sold_out} and
 * announced on performance-events (PerformanceSoldOut, PerformanceOnSale) through the outbox, in the transaction that
 * changed the seats. queue-svc then stops admitting and tells the waiting fans (docs/architecture.md, "Sold out").
 *
 * <p>Two transactions that sell the last seats at once must not both miss the moment: each would see the other's seats
 * still unsold in its snapshot. So the check runs under a per-performance transaction lock taken after the seat
 * updates: the second transaction waits for the first to commit, and its check — a new statement, a new snapshot
 * under READ COMMITTED — sees every seat the first sold. The checks run once per transaction, just before its commit
 * (after every seat update of the transaction), performances in a fixed order, so no row lock is taken after one of
 * these locks and two batches never wait on each other in a cycle.
 */
@ApplicationScoped
public class SoldOut {

    private static final Object PENDING = SoldOut.class.getName() + ".pending";

    private final AgroalDataSource db;
    private final TransactionSynchronizationRegistry tx;
    private final Outbox outbox;
    private final MeterRegistry metrics;

    public SoldOut(AgroalDataSource db, TransactionSynchronizationRegistry tx, Outbox outbox, MeterRegistry metrics) {
        this.db = db;
        this.tx = tx;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /**
     * The current transaction changed seats (or showtimes) of these performances: their sold-out state is checked,
     * and announced if it changed, just before it commits.
     */
    @SuppressWarnings("unchecked")
    public void recheckBeforeCommit(Collection<String> performanceIds) {
        Set<String> pending = (Set<String>) tx.getResource(PENDING);
        if (pending == null) {
            Set<String> created = new TreeSet<>();
            tx.putResource(PENDING, created);
            tx.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (tx.getRollbackOnly()) {
                        return;
                    }
                    try (Connection c = db.getConnection()) { // the transaction's own connection
                        for (String performanceId : created) {
                            recheck(c, performanceId);
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException("sold-out check", e); // fails the commit: nothing half-done
                    }
                }

                @Override
                public void afterCompletion(int status) {
                }
            });
            pending = created;
        }
        for (String id : performanceIds) {
            if (id != null) {
                pending.add(id);
            }
        }
    }

    private void recheck(Connection c, String performanceId) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(
                "select pg_advisory_xact_lock(hashtextextended('sold-out:' || ?, 0))")) {
            lock.setString(1, performanceId);
            lock.execute();
        }
        boolean flagged;
        boolean soldOut;
        try (PreparedStatement ps = c.prepareStatement("""
                select p.sold_out,
                       exists (select 1 from showtime t join seat s on s.showtime_id = t.id where t.performance_id = p.id)
                       and not exists (select 1 from showtime t join seat s on s.showtime_id = t.id
                                       where t.performance_id = p.id and s.status <> 'SOLD')
                from performance p where p.id = ?::uuid and p.deleted_at is null""")) {
            ps.setString(1, performanceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return; // deleted: its room is gone anyway
                }
                flagged = rs.getBoolean(1);
                soldOut = rs.getBoolean(2);
            }
        }
        if (flagged == soldOut) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("update performance set sold_out = ? where id = ?::uuid")) {
            ps.setBoolean(1, soldOut);
            ps.setString(2, performanceId);
            ps.executeUpdate();
        }
        String type = soldOut ? "PerformanceSoldOut" : "PerformanceOnSale";
        outbox.append(Topics.PERFORMANCE_EVENTS, performanceId, type, new Events.Availability(performanceId));
        metrics.counter("booking.performances.availability", "event", type).increment();
    }
}
