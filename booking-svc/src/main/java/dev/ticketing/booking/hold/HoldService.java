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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Seat holds: all-or-nothing, with a TTL, and never two holds or sales on one seat. */
@ApplicationScoped
public class HoldService {

    private final AgroalDataSource db;
    private final BookingConfig config;
    private final SeatGate gate;
    private final Map<UUID, Showtime> showtimes = new ConcurrentHashMap<>();
    private final Counter holds;
    private final Counter conflicts;

    public HoldService(AgroalDataSource db, BookingConfig config, SeatGate gate, MeterRegistry metrics) {
        this.db = db;
        this.config = config;
        this.gate = gate;
        this.holds = metrics.counter("booking.holds", "result", "held");
        this.conflicts = metrics.counter("booking.holds", "result", "conflict");
    }

    public record Showtime(UUID id, String performanceId) {
    }

    public record HeldSeat(String id, String section, String row, int number, long price) {
    }

    public record Hold(String holdId, String showtimeId, List<HeldSeat> seats, long amount, OffsetDateTime expiresAt) {
    }

    /**
     * A showtime and its performance. Cached: the pair never changes, and the hot refusal path must not touch the
     * database (a deleted performance is still refused inside the hold transaction).
     */
    public Optional<Showtime> showtime(UUID showtimeId) {
        Showtime cached = showtimes.get(showtimeId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Showtime> loaded = loadShowtime(showtimeId);
        loaded.ifPresent(s -> {
            if (showtimes.size() > 100_000) {
                showtimes.clear();
            }
            showtimes.put(showtimeId, s);
        });
        return loaded;
    }

    public void validate(List<UUID> requested) {
        if (new LinkedHashSet<>(requested).size() != requested.size()) {
            throw ProblemException.badRequest("seatIds contains the same seat twice");
        }
        if (requested.size() > config.maxSeatsPerHold()) {
            throw ProblemException.badRequest("at most " + config.maxSeatsPerHold() + " seats per hold");
        }
    }

    /** Seats the availability gate already knows someone else has: refused without a database transaction. */
    public List<String> knownTaken(Showtime showtime, String userId, List<UUID> seatIds) {
        return gate.taken(showtime.id().toString(), userId, seatIds.stream().map(UUID::toString).toList());
    }

    private Optional<Showtime> loadShowtime(UUID showtimeId) {
        try (Connection c = db.getConnection()) {
            return loadShowtime(c, showtimeId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Showtime> loadShowtime(Connection c, UUID showtimeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select t.performance_id from showtime t join performance p on p.id = t.performance_id
                where t.id = ? and p.deleted_at is null""")) {
            ps.setObject(1, showtimeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Showtime(showtimeId, rs.getString(1))) : Optional.empty();
            }
        }
    }

    /**
     * Holds every requested seat or none. The user's previous live hold on this showtime is released first, so one
     * user never holds more than the limit. Refusal names the seats that are taken.
     */
    @Transactional
    public Hold hold(Showtime showtime, String userId, List<UUID> requested) {
        validate(requested);
        LinkedHashSet<UUID> seatIds = new LinkedHashSet<>(requested);
        UUID holdId = UUID.randomUUID();
        OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plus(config.holdTtl()).withNano(0);
        try (Connection c = db.getConnection()) {
            if (loadShowtime(c, showtime.id()).isEmpty()) {
                throw ProblemException.notFound("showtime " + showtime.id());
            }
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
                List<String> unknown = unknownSeats(c, showtime.id(), missing);
                gate.markTaken(showtime.id().toString(), takenUntil(c, missing));
                // Throwing rolls the whole transaction back: the seats we did get are not kept (all or nothing).
                throw new SeatsTakenException(missing, unknown);
            }
            long until = expiresAt.toInstant().toEpochMilli();
            gate.markTakenAfterCommit(showtime.id().toString(), userId,
                    held.stream().collect(Collectors.toMap(HeldSeat::id, h -> until)));
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
    public int freeSeatsOfHolds(Connection c, List<UUID> holdIds) throws SQLException {
        if (holdIds.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                update seat set status = 'AVAILABLE', hold_id = null, held_until = null
                where hold_id = any(?) and status = 'HELD' and order_id is null
                returning id, showtime_id""")) {
            ps.setArray(1, c.createArrayOf("uuid", holdIds.toArray()));
            return releaseInGate(ps.executeQuery());
        }
    }

    /** Reads (seat id, showtime id) rows of seats just put back on sale and opens them in the gate after commit. */
    public int releaseInGate(ResultSet rs) throws SQLException {
        Map<String, List<String>> byShowtime = new HashMap<>();
        int n = 0;
        try (rs) {
            while (rs.next()) {
                byShowtime.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(1));
                n++;
            }
        }
        byShowtime.forEach(gate::releaseAfterCommit);
        return n;
    }

    /**
     * Rewrites the gate of every showtime with recent activity from the database, healing any gate update that was
     * lost (Redis restart, a pod dying between commit and gate write). Returns how many showtimes were rebuilt.
     */
    public int reconcileGate(java.time.Duration activityWindow) {
        try (Connection c = db.getConnection()) {
            List<UUID> active = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select showtime_id from seat_hold where created_at > now() - ?::interval
                    union select showtime_id from booking_order where updated_at > now() - ?::interval""")) {
                String window = activityWindow.toSeconds() + " seconds";
                ps.setString(1, window);
                ps.setString(2, window);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        active.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            for (UUID showtime : active) {
                Map<String, Long> taken = new HashMap<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        select id, status, held_until from seat where showtime_id = ?
                          and (status = 'SOLD' or (status = 'HELD' and held_until > now()))""")) {
                    ps.setObject(1, showtime);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            taken.put(rs.getString(1), "SOLD".equals(rs.getString(2)) ? Long.MAX_VALUE
                                    : rs.getObject(3, OffsetDateTime.class).toInstant().toEpochMilli());
                        }
                    }
                }
                gate.replace(showtime.toString(), taken);
            }
            return active.size();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the database says about seats someone else has: until when they are taken (sold = forever). */
    private static Map<String, Long> takenUntil(Connection c, List<String> seatIds) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select id, status, held_until from seat where id = any(?)
                  and (status = 'SOLD' or (status = 'HELD' and held_until > now()))""")) {
            ps.setArray(1, c.createArrayOf("uuid", seatIds.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), "SOLD".equals(rs.getString(2)) ? Long.MAX_VALUE
                            : rs.getObject(3, OffsetDateTime.class).toInstant().toEpochMilli());
                }
            }
        }
        return out;
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
