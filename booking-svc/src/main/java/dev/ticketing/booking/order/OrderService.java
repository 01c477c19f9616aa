package dev.ticketing.booking.order;

import dev.ticketing.booking.availability.SoldOut;
import dev.ticketing.booking.config.BookingConfig;
import dev.ticketing.booking.hold.HoldService;
import dev.ticketing.booking.hold.SeatGate;
import dev.ticketing.booking.outbox.Events;
import dev.ticketing.booking.outbox.Outbox;
import dev.ticketing.booking.outbox.Topics;
import dev.ticketing.booking.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The order state machine. Every transition is one conditional UPDATE on the order's current status, so a
 * redelivered or late event, a second pod's sweeper or a double click can never move an order twice.
 * <pre>
 * PENDING --PaymentApproved--> CONFIRMED --cancel--> CANCELLED --PaymentRefunded--> REFUNDED
 * PENDING --PaymentFailed----> FAILED       PENDING --past its deadline--> EXPIRED
 * </pre>
 */
@ApplicationScoped
public class OrderService {

    private final AgroalDataSource db;
    private final Outbox outbox;
    private final HoldService holds;
    private final SeatGate gate;
    private final BookingConfig config;
    private final MeterRegistry metrics;
    private final SoldOut soldOut;

    public OrderService(AgroalDataSource db, Outbox outbox, HoldService holds, SeatGate gate, BookingConfig config,
                        MeterRegistry metrics, SoldOut soldOut) {
        this.soldOut = soldOut;
        this.db = db;
        this.outbox = outbox;
        this.holds = holds;
        this.gate = gate;
        this.config = config;
        this.metrics = metrics;
    }

    public record OrderView(String orderId, String status, String performanceId, String showtimeId, List<String> seats,
                            long amount, String currency, String failureReason, OffsetDateTime expiresAt,
                            OffsetDateTime createdAt) {
    }


    /**
     * Turns the user's own live hold into a PENDING order; placing the same hold again returns the same order. The
     * database work is one call of {@code place_order} (V6) plus the outbox row; {@code admit} checks the fan's
     * admission to the hold's performance once the hold is known and locked (it throws to refuse: all rolls back).
     */
    @Transactional
    public OrderView place(UUID holdId, String userId, String paymentToken, java.util.function.Consumer<String> admit) {
        try (Connection c = db.getConnection()) {
            UUID orderId = UUID.randomUUID();
            OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plus(config.orderTtl());
            try (PreparedStatement ps = c.prepareStatement("select * from place_order(?, ?, ?, ?)")) {
                ps.setObject(1, holdId);
                ps.setString(2, userId);
                ps.setObject(3, orderId);
                ps.setObject(4, expiresAt);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String outcome = rs.getString("outcome");
                    String performanceId = rs.getString("performance_id");
                    // Not admitted is a 403 whoever's the hold; an unknown hold (or another fan's) is then a 404.
                    if (performanceId != null) {
                        admit.accept(performanceId);
                    }
                    if ("no-hold".equals(outcome)) {
                        throw ProblemException.notFound("hold " + holdId);
                    }
                    switch (outcome) {
                        case "expired" -> throw new ProblemException(409, "Hold Expired",
                                "hold " + holdId + " has expired or was released; hold the seats again");
                        case "incomplete" -> throw new ProblemException(409, "Hold Expired",
                                "hold " + holdId + " no longer has all its seats; hold them again");
                        case "existing" -> {
                            return placedView(rs);
                        }
                        default -> {
                        }
                    }
                    OrderView placed = placedView(rs);
                    long until = expiresAt.toInstant().toEpochMilli();
                    gate.markTakenAfterCommit(placed.showtimeId(),
                            placed.seats().stream().collect(java.util.stream.Collectors.toMap(s -> s, s -> until)));
                    outbox.append(Topics.ORDER_EVENTS, orderId.toString(), "OrderPlaced", new Events.OrderPlaced(
                            orderId.toString(), userId, placed.performanceId(), placed.showtimeId(), placed.seats(),
                            placed.amount(), placed.currency(), paymentToken));
                    metrics.counter("booking.orders", "status", "PENDING").increment();
                    return placed;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OrderView placedView(ResultSet rs) throws SQLException {
        return new OrderView(rs.getString("order_id"), rs.getString("status"), rs.getString("performance_id"),
                rs.getString("showtime_id"), List.of((String[]) rs.getArray("seat_ids").getArray()), rs.getLong("amount"),
                rs.getString("currency"), rs.getString("failure_reason"),
                rs.getObject("expires_at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC),
                rs.getObject("created_at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
    }

    public Optional<OrderView> find(UUID orderId, String userId, boolean admin) {
        try (Connection c = db.getConnection()) {
            return load(c, orderId).filter(o -> admin || owner(c, orderId).equals(userId));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fan's latest 100 orders in one query (seats aggregated per order). */
    public List<OrderView> mine(String userId) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(ORDER_COLUMNS + " where o.user_id = ? order by o.created_at desc limit 100")) {
            ps.setString(1, userId);
            List<OrderView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(view(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A confirmed order is cancelled and refunded; its seats go back on sale once the refund is confirmed. */
    @Transactional
    public OrderView cancel(UUID orderId, String userId, boolean admin) {
        try (Connection c = db.getConnection()) {
            OrderView o = load(c, orderId).filter(v -> admin || owner(c, orderId).equals(userId))
                    .orElseThrow(() -> ProblemException.notFound("order " + orderId));
            String owner = owner(c, orderId);
            if (exec(c, "update booking_order set status = 'CANCELLED', updated_at = now() where id = ? and status = 'CONFIRMED'",
                    orderId) == 0) {
                if (o.status().equals("CANCELLED") || o.status().equals("REFUNDED")) {
                    return o; // cancelling twice is not an error
                }
                throw ProblemException.conflict("order " + orderId + " is " + o.status() + "; only a CONFIRMED order can be cancelled");
            }
            outbox.append(Topics.ORDER_EVENTS, orderId.toString(), "OrderCancelled",
                    new Events.OrderCancelled(orderId.toString(), owner, admin && !owner.equals(userId) ? "cancelled by admin" : "cancelled by customer"));
            return load(c, orderId).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- payment results (called by PaymentEvents inside its transaction) ----

    /** An approved payment of a poll, with the trace context its BookingCompleted continues. */
    record Approval(UUID orderId, String paymentId, String providerReference, String traceparent) {
    }

    /**
     * PENDING → CONFIRMED for a whole poll's approvals in three round trips, whatever their number: one statement
     * confirms the orders and sells their seats, one batch appends their BookingCompleted events. The same conditional
     * transition as {@link #approved}, so a redelivered approval confirms nothing twice. Returns the creation time of
     * every order this call confirmed; an approval whose order is no longer PENDING is left out, for
     * {@link #approved} (money for an expired order goes back).
     */
    Map<UUID, OffsetDateTime> approvedAll(Connection c, List<Approval> approvals) throws SQLException {
        if (approvals.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Approval> byOrder = new HashMap<>();
        approvals.forEach(a -> byOrder.put(a.orderId(), a));
        Map<UUID, OffsetDateTime> confirmed = new HashMap<>();
        Map<UUID, String[]> owners = new HashMap<>();
        Map<String, Map<String, Long>> soldByShowtime = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                with approval(order_id, payment_id, provider_reference) as (
                       select * from unnest(?::uuid[], ?::text[], ?::text[])),
                     confirmed as (
                       update booking_order o set status = 'CONFIRMED', payment_id = a.payment_id,
                              provider_reference = a.provider_reference, updated_at = now()
                       from approval a where o.id = a.order_id and o.status = 'PENDING'
                       returning o.id, o.created_at, o.user_id, o.performance_id),
                     sold as (
                       update seat s set status = 'SOLD', hold_id = null, held_until = null
                       from confirmed k where s.order_id = k.id
                       returning s.order_id, s.id, s.showtime_id)
                select k.id, k.created_at, k.user_id, k.performance_id, null, null from confirmed k
                union all
                select s.order_id, null, null, null, s.id, s.showtime_id from sold s""")) {
            ps.setArray(1, c.createArrayOf("uuid", approvals.stream().map(Approval::orderId).toArray()));
            ps.setArray(2, c.createArrayOf("text", approvals.stream().map(Approval::paymentId).toArray()));
            ps.setArray(3, c.createArrayOf("text", approvals.stream().map(Approval::providerReference).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID orderId = rs.getObject(1, UUID.class);
                    String seat = rs.getString(5);
                    if (seat == null) {
                        confirmed.put(orderId, rs.getObject(2, OffsetDateTime.class));
                        owners.put(orderId, new String[] {rs.getString(3), rs.getString(4)});
                    } else {
                        soldByShowtime.computeIfAbsent(rs.getString(6), k -> new HashMap<>()).put(seat, Long.MAX_VALUE);
                    }
                }
            }
        }
        soldByShowtime.forEach(gate::markTakenAfterCommit);
        List<Outbox.Pending> completed = new ArrayList<>(confirmed.size());
        owners.forEach((orderId, owner) -> completed.add(new Outbox.Pending(Topics.BOOKING_EVENTS, owner[1],
                "BookingCompleted", new Events.BookingFinished(owner[0], owner[1], orderId.toString()),
                byOrder.get(orderId).traceparent())));
        outbox.appendAll(completed);
        soldOut.recheckBeforeCommit(owners.values().stream().map(owner -> owner[1]).toList());
        metrics.counter("booking.orders", "status", "CONFIRMED").increment(confirmed.size());
        return confirmed;
    }

    /** PENDING → CONFIRMED; returns the order's creation time when this call confirmed it (for the stage timers). */
    Optional<OffsetDateTime> approved(Connection c, UUID orderId, String paymentId, String providerReference)
            throws SQLException {
        OffsetDateTime createdAt = null;
        try (PreparedStatement ps = c.prepareStatement("""
                update booking_order set status = 'CONFIRMED', payment_id = ?, provider_reference = ?, updated_at = now()
                where id = ? and status = 'PENDING' returning created_at""")) {
            ps.setString(1, paymentId);
            ps.setString(2, providerReference);
            ps.setObject(3, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    createdAt = rs.getObject(1, OffsetDateTime.class);
                }
            }
        }
        if (createdAt != null) {
            try (PreparedStatement ps = c.prepareStatement("""
                    update seat set status = 'SOLD', hold_id = null, held_until = null where order_id = ?
                    returning id, showtime_id""")) {
                ps.setObject(1, orderId);
                try (ResultSet rs = ps.executeQuery()) {
                    java.util.Map<String, Long> sold = new java.util.HashMap<>();
                    String showtime = null;
                    while (rs.next()) {
                        sold.put(rs.getString(1), Long.MAX_VALUE);
                        showtime = rs.getString(2);
                    }
                    if (showtime != null) {
                        gate.markTakenAfterCommit(showtime, sold);
                    }
                }
            }
            finished(c, orderId, "BookingCompleted");
            soldOut.recheckBeforeCommit(List.of(performanceOf(c, orderId)));
            metrics.counter("booking.orders", "status", "CONFIRMED").increment();
            return Optional.of(createdAt);
        }
        // Money arrived for an order that already expired or failed: its seats may be gone, so give the money back.
        Optional<OrderView> o = load(c, orderId);
        if (o.isPresent() && (o.get().status().equals("EXPIRED") || o.get().status().equals("FAILED"))) {
            exec(c, "update booking_order set payment_id = ?, provider_reference = ? where id = ?", paymentId,
                    providerReference, orderId);
            outbox.append(Topics.ORDER_EVENTS, orderId.toString(), "OrderCancelled",
                    new Events.OrderCancelled(orderId.toString(), owner(c, orderId), "payment arrived after the order " + o.get().status().toLowerCase()));
        }
        return Optional.empty();
    }

    void failed(Connection c, UUID orderId, String paymentId, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                update booking_order set status = 'FAILED', payment_id = ?, failure_reason = ?, updated_at = now()
                where id = ? and status = 'PENDING'""")) {
            ps.setString(1, paymentId);
            ps.setString(2, reason);
            ps.setObject(3, orderId);
            if (ps.executeUpdate() == 1) {
                releaseSeatsOfOrder(c, orderId);
                metrics.counter("booking.orders", "status", "FAILED").increment();
            }
        }
    }

    void refunded(Connection c, UUID orderId) throws SQLException {
        if (exec(c, "update booking_order set status = 'REFUNDED', updated_at = now() where id = ? and status = 'CANCELLED'",
                orderId) == 1) {
            releaseSeatsOfOrder(c, orderId);
            soldOut.recheckBeforeCommit(List.of(performanceOf(c, orderId))); // a sold-out performance has a seat again
            metrics.counter("booking.orders", "status", "REFUNDED").increment();
        }
    }

    /** Orders whose payment result never came in time: released, safe to run on every pod at once. */
    @Transactional
    public int expireOverdueOrders(int batch) {
        try (Connection c = db.getConnection()) {
            List<UUID> expired = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    update booking_order set status = 'EXPIRED', updated_at = now()
                    where id in (select id from booking_order where status = 'PENDING' and expires_at <= now()
                                 order by expires_at limit ? for update skip locked)
                    returning id""")) {
                ps.setInt(1, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expired.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            for (UUID id : expired) {
                releaseSeatsOfOrder(c, id);
                finished(c, id, "BookingAbandoned");
            }
            return expired.size();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Holds past their deadline: seats back on sale and the fan's queue slot freed. */
    @Transactional
    public int expireOverdueHolds(int batch) {
        try (Connection c = db.getConnection()) {
            List<UUID> holds = new ArrayList<>();
            List<String[]> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    update seat_hold set status = 'EXPIRED'
                    where id in (select id from seat_hold where status = 'ACTIVE' and expires_at <= now()
                                 order by expires_at limit ? for update skip locked)
                    returning id, user_id, performance_id""")) {
                ps.setInt(1, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        holds.add(rs.getObject(1, UUID.class));
                        users.add(new String[] {rs.getString(2), rs.getString(3)});
                    }
                }
            }
            this.holds.freeSeatsOfHolds(c, holds);
            for (String[] u : users) {
                outbox.append(Topics.BOOKING_EVENTS, u[1], "BookingAbandoned", new Events.BookingFinished(u[0], u[1], null));
            }
            return holds.size();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void releaseSeatsOfOrder(Connection c, UUID orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                update seat set status = 'AVAILABLE', hold_id = null, order_id = null, held_until = null
                where order_id = ? returning id, showtime_id""")) {
            ps.setObject(1, orderId);
            holds.releaseInGate(ps.executeQuery());
        }
    }

    private void finished(Connection c, UUID orderId, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select user_id, performance_id from booking_order where id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    outbox.append(Topics.BOOKING_EVENTS, rs.getString(2), type,
                            new Events.BookingFinished(rs.getString(1), rs.getString(2), orderId.toString()));
                }
            }
        }
    }

    private static String performanceOf(Connection c, UUID orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select performance_id from booking_order where id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String owner(Connection c, UUID orderId) {
        try (PreparedStatement ps = c.prepareStatement("select user_id from booking_order where id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String ORDER_COLUMNS = """
            select o.id, o.status, o.performance_id, o.showtime_id, o.amount, o.currency, o.failure_reason, o.expires_at,
                   o.created_at, array(select seat_id::text from order_seat where order_id = o.id order by seat_id)
            from booking_order o""";

    private static Optional<OrderView> load(Connection c, UUID orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ORDER_COLUMNS + " where o.id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(view(rs)) : Optional.empty();
            }
        }
    }

    private static OrderView view(ResultSet rs) throws SQLException {
        return new OrderView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                List.of((String[]) rs.getArray(10).getArray()), rs.getLong(5), rs.getString(6), rs.getString(7),
                rs.getObject(8, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC),
                rs.getObject(9, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
    }

    static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
