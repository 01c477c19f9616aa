package dev.ticketing.booking.hold;

import dev.ticketing.booking.config.BookingConfig;
import dev.ticketing.booking.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Seat holds: all-or-nothing, with a TTL, and never two holds or sales on one seat. */
@ApplicationScoped
public class HoldService {

    private final AgroalDataSource db;
    private final BookingConfig config;
    private final Counter holds;
    private final Counter conflicts;

    public HoldService(AgroalDataSource db, BookingConfig config, MeterRegistry metrics) {
        this.db = db;
        this.config = config;
        this.holds = metrics.counter("booking.holds", "result", "held");
        this.conflicts = metrics.counter("booking.holds", "result", "conflict");
    }

    public record Showtime(UUID id, String performanceId) {
    }

    public record HeldSeat(String id, String section, String row, int number, long price) {
    }

    public record Hold(String holdId, String showtimeId, List<HeldSeat> seats, long amount, OffsetDateTime expiresAt) {
    }

    public Optional<Showtime> showtime(UUID showtimeId) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select t.performance_id from showtime t join performance p on p.id = t.performance_id
                     where t.id = ? and p.deleted_at is null""")) {
            ps.setObject(1, showtimeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Showtime(showtimeId, rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Holds every requested seat or none. The user's previous live hold on this showtime is released first, so one
     * user never holds more than the limit. Refusal names the seats that are taken.
     */
    @Transactional
    public Hold hold(Showtime showtime, String userId, List<UUID> requested) {
        LinkedHashSet<UUID> seatIds = new LinkedHashSet<>(requested);
        if (seatIds.size() != requested.size()) {
            throw ProblemException.badRequest("seatIds contains the same seat twice");
        }
        if (seatIds.size() > config.maxSeatsPerHold()) {
            throw ProblemException.badRequest("at most " + config.maxSeatsPerHold() + " seats per hold");
        }
        UUID holdId = UUID.randomUUID();
        OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plus(config.holdTtl()).withNano(0);
        try (Connection c = db.getConnection()) {
            releasePreviousHold(c, userId, showtime.id());
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into seat_hold (id, showtime_id, performance_id, user_id, seat_count, status, expires_at)
                    values (?, ?, ?::uuid, ?, ?, 'ACTIVE', ?)""")) {
                ps.setObject(1, holdId);
                ps.setObject(2, showtime.id());
                ps.setString(3, showtime.performanceId());
                ps.setString(4, userId);
                ps.setInt(5, seatIds.size());
                ps.setObject(6, expiresAt);
                ps.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) { // a parallel request of the same user won the one live hold
                    throw ProblemException.conflict("Another hold of yours for this showtime is being made");
                }
                throw e;
            }
            // The rule "a seat is held or sold at most once": rows are locked in id order (no deadlock between
            // overlapping holds), then only seats still AVAILABLE, or HELD past their deadline, change hands.
            List<HeldSeat> held = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    with target as (
                        select id from seat where showtime_id = ? and id = any(?) order by id for update
                    )
                    update seat s set status = 'HELD', hold_id = ?, order_id = null, held_until = ?
                    from target
                    where s.id = target.id
                      and (s.status = 'AVAILABLE' or (s.status = 'HELD' and s.order_id is null and s.held_until <= now()))
                    returning s.id, s.section, s.row_label, s.number, s.price""")) {
                ps.setObject(1, showtime.id());
                ps.setArray(2, c.createArrayOf("uuid", seatIds.toArray()));
                ps.setObject(3, holdId);
                ps.setObject(4, expiresAt);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        held.add(new HeldSeat(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                rs.getLong(5)));
                    }
                }
            }
            if (held.size() != seatIds.size()) {
                conflicts.increment();
                List<String> missing = seatIds.stream().map(UUID::toString)
                        .filter(id -> held.stream().noneMatch(h -> h.id().equals(id))).toList();
                // Throwing rolls the whole transaction back: the seats we did get are not kept (all or nothing).
                throw new SeatsTakenException(missing, unknownSeats(c, showtime.id(), missing));
            }
            holds.increment();
            long amount = held.stream().mapToLong(HeldSeat::price).sum();
            held.sort(java.util.Comparator.comparing(HeldSeat::section).thenComparing(HeldSeat::row)
                    .thenComparingInt(HeldSeat::number));
            return new Hold(holdId.toString(), showtime.id().toString(), held, amount, expiresAt);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Explicit release by the fan (or a new hold replacing it): seats go back on sale at once. */
    @Transactional
    public boolean release(UUID holdId, String userId) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "update seat_hold set status = 'RELEASED' where id = ? and user_id = ? and status = 'ACTIVE'")) {
            ps.setObject(1, holdId);
            ps.setString(2, userId);
            if (ps.executeUpdate() == 0) {
                return false;
            }
            freeSeatsOfHolds(c, List.of(holdId));
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void releasePreviousHold(Connection c, String userId, UUID showtimeId) throws SQLException {
        List<UUID> previous = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                update seat_hold set status = 'RELEASED'
                where user_id = ? and showtime_id = ? and status = 'ACTIVE' returning id""")) {
            ps.setString(1, userId);
            ps.setObject(2, showtimeId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    previous.add(rs.getObject(1, UUID.class));
                }
            }
        }
        freeSeatsOfHolds(c, previous);
    }

    /** Seats still HELD by these holds (not yet part of an order) go back on sale. */
    public static int freeSeatsOfHolds(Connection c, List<UUID> holdIds) throws SQLException {
        if (holdIds.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                update seat set status = 'AVAILABLE', hold_id = null, held_until = null
                where hold_id = any(?) and status = 'HELD' and order_id is null""")) {
            ps.setArray(1, c.createArrayOf("uuid", holdIds.toArray()));
            return ps.executeUpdate();
        }
    }

    private static List<String> unknownSeats(Connection c, UUID showtimeId, List<String> candidates) throws SQLException {
        List<String> known = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from seat where showtime_id = ? and id = any(?)")) {
            ps.setObject(1, showtimeId);
            ps.setArray(2, c.createArrayOf("uuid", candidates.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getString(1));
                }
            }
        }
        return candidates.stream().filter(id -> !known.contains(id)).toList();
    }
}
