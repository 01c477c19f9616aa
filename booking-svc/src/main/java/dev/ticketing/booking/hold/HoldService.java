package dev.ticketing.booking.hold;

import dev.ticketing.booking.admission.AdmissionVerifier;
import dev.ticketing.booking.catalog.CatalogResource;
import dev.ticketing.booking.config.BookingConfig;
import dev.ticketing.booking.hold.Showtimes.Showtime;
import dev.ticketing.booking.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * Seat holds: all-or-nothing, with a TTL, and never two holds or sales on one seat. The flow, cheapest refusal first:
 * no admission token (no work), the seat gate and the fan's admission session (one Redis script), the admission
 * token's signature (verified-token cache), then the database (one function call and the commit), then the gate
 * writes (one Redis script after commit). A known-taken seat is refused without PostgreSQL and without verifying the
 * admission token — a 409 says no more than the public seat map.
 */
@ApplicationScoped
public class HoldService {

    private final AgroalDataSource db;
    private final BookingConfig config;
    private final SeatGate gate;
    private final Showtimes showtimes;
    private final AdmissionVerifier admission;
    private final Counter holds;
    private final Counter conflicts;
    private final Counter limitRefusals;

    public HoldService(AgroalDataSource db, BookingConfig config, SeatGate gate, Showtimes showtimes,
                       AdmissionVerifier admission, MeterRegistry metrics) {
        this.db = db;
        this.config = config;
        this.gate = gate;
        this.showtimes = showtimes;
        this.admission = admission;
        this.holds = metrics.counter("booking.holds", "result", "held");
        this.conflicts = metrics.counter("booking.holds", "result", "conflict");
        this.limitRefusals = metrics.counter("booking.holds", "result", "over-limit");
    }

    @RegisterForReflection
    public record HeldSeat(String id, String section, String row, int number, long price) {
    }

    /** Answered inside a Response (201), which no endpoint signature names: registered for reflection (native images). */
    @RegisterForReflection
    public record Hold(String holdId, String showtimeId, List<HeldSeat> seats, long amount, OffsetDateTime expiresAt) {
    }

    /**
     * Holds every requested seat or none for an admitted fan. The fan's previous live hold on this showtime is released
     * in the same statement, so one fan never holds more than the limit. A refusal names the seats that are taken.
     */
    public Hold hold(String showtimeId, String userId, String admissionToken, List<String> requestedSeatIds) {
        Showtime showtime = showtimes.find(CatalogResource.parseId(showtimeId, "showtime"))
                .orElseThrow(() -> ProblemException.notFound("showtime " + showtimeId));
        List<UUID> seatIds = parseSeatIds(requestedSeatIds);
        admit(showtime, userId, admissionToken, seatIds.stream().map(UUID::toString).toList());
        return QuarkusTransaction.requiringNew().call(() -> holdInDatabase(showtime, userId, null,
                seatsCall(showtime, userId, seatIds)));
    }

    /**
     * {@link #hold} as the crowd meets it: a known showtime's seats someone else has are refused on the event loop —
     * one Redis script, no worker thread, no database — and only an attempt the gate lets through moves to a worker
     * for the signature check and the database. A showtime not cached yet takes the blocking path whole. {@code gated}
     * is the gate's answer when {@link HoldRoute} already asked it for this very request (null otherwise): the gate
     * is asked once per attempt.
     */
    public Uni<Hold> holdAsync(String showtimeId, String userId, String admissionToken, List<String> requestedSeatIds,
                               Gated gated) {
        Uni<Gated> answer;
        if (gated != null && gated.isFor(showtimeId, userId, admissionToken, requestedSeatIds)) {
            answer = Uni.createFrom().item(gated);
        } else {
            Showtime showtime = showtimes.cached(CatalogResource.parseId(showtimeId, "showtime"));
            if (showtime == null) {
                return onWorker(() -> hold(showtimeId, userId, admissionToken, requestedSeatIds));
            }
            answer = gate(showtime, userId, admissionToken, requestedSeatIds);
        }
        return answer.flatMap(g -> {
            SeatsTakenException refused = refusal(g);
            if (refused != null) {
                return Uni.createFrom().failure(refused);
            }
            return onWorker(() -> {
                requireAdmission(g.showtime(), userId, admissionToken, g.claimedSid(), g.check());
                return QuarkusTransaction.requiringNew().call(() -> holdInDatabase(g.showtime(), userId, null,
                        seatsCall(g.showtime(), userId, g.seatIds())));
            });
        });
    }

    /** The gate's answer for one hold attempt of named seats, with what it was asked. */
    public record Gated(Showtime showtime, String userId, String admissionToken, List<String> requested,
                        List<UUID> seatIds, String claimedSid, SeatGate.Check check) {

        boolean isFor(String showtimeId, String userId, String admissionToken, List<String> requested) {
            return showtime.id().toString().equals(showtimeId) && this.userId.equals(userId)
                    && this.admissionToken.equals(admissionToken) && this.requested.equals(requested);
        }
    }

    /**
     * The event-loop step of a hold of named seats on a cached showtime: the seat ids are well formed, an admission
     * token is there (403 otherwise, no further work), then one Redis script answers for the seats and the session the
     * token claims. The token's signature is not checked here: a refusal says only what the public seat map says.
     */
    public Uni<Gated> gate(Showtime showtime, String userId, String admissionToken, List<String> requestedSeatIds) {
        List<UUID> seatIds = parseSeatIds(requestedSeatIds);
        AdmissionVerifier.requirePresent(admissionToken);
        String claimedSid = admission.claimedSession(admissionToken);
        return gate.checkAsync(showtime, userId, claimedSid, seatIds.stream().map(UUID::toString).toList())
                .map(check -> new Gated(showtime, userId, admissionToken, requestedSeatIds, seatIds, claimedSid, check));
    }

    /** The refusal a gate answer means (counted), or null when the attempt goes on to the signature and the database. */
    public SeatsTakenException refusal(Gated gated) {
        if (gated.check().taken().isEmpty()) {
            return null;
        }
        conflicts.increment();
        return new SeatsTakenException(gated.check().taken(), List.of());
    }

    /** Blocking work (signatures, JDBC) off the event loop, on Quarkus' worker pool. */
    static <T> Uni<T> onWorker(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private HoldCall seatsCall(Showtime showtime, String userId, List<UUID> seatIds) {
        return (c, hold, expires) -> {
            PreparedStatement ps = c.prepareStatement("select * from hold_seats(?, ?, ?, ?, ?, ?)");
            ps.setObject(1, showtime.id());
            ps.setString(2, userId);
            ps.setArray(3, c.createArrayOf("uuid", seatIds.toArray()));
            ps.setObject(4, hold);
            ps.setObject(5, expires);
            ps.setInt(6, config.ticketsPerFan());
            return ps;
        };
    }

    /**
     * Best available: {@code count} adjacent seats in one row, picked and held by the database in one call
     * ({@code hold_best_seats}, V4) with the same guarantees as {@link #hold}. {@code section} (optional) limits the
     * pick to that section.
     */
    public Hold holdBest(String showtimeId, String userId, String admissionToken, int count, String section) {
        Showtime showtime = showtimes.find(CatalogResource.parseId(showtimeId, "showtime"))
                .orElseThrow(() -> ProblemException.notFound("showtime " + showtimeId));
        if (count > config.maxSeatsPerHold()) {
            throw ProblemException.invalid("count", "at most " + config.maxSeatsPerHold() + " seats per hold");
        }
        String wanted = section == null ? null : section.strip();
        if (wanted != null && wanted.isEmpty()) {
            throw ProblemException.invalid("section", "must not be blank");
        }
        if (wanted != null && wanted.indexOf('\0') >= 0) { // PostgreSQL text cannot hold it: no section has it
            throw ProblemException.invalid("section", "no such section in this showtime");
        }
        admit(showtime, userId, admissionToken, List.of());
        BestRequest best = new BestRequest(count, wanted);
        return QuarkusTransaction.requiringNew().call(() -> holdInDatabase(showtime, userId, best, (c, hold, expires) -> {
            PreparedStatement ps = c.prepareStatement("select * from hold_best_seats(?, ?, ?, ?, ?, ?, ?)");
            ps.setObject(1, showtime.id());
            ps.setString(2, userId);
            ps.setInt(3, count);
            ps.setString(4, wanted);
            ps.setObject(5, hold);
            ps.setObject(6, expires);
            ps.setInt(7, config.ticketsPerFan());
            return ps;
        }));
    }

    private record BestRequest(int count, String section) {
    }

    /** The hold function's call: one statement, given the new hold's id and deadline. */
    private interface HoldCall {
        PreparedStatement prepare(Connection c, UUID holdId, OffsetDateTime expiresAt) throws SQLException;
    }

    /**
     * The checks before the database, cheapest first: the admission token is there, then one Redis script reads the
     * gate for the requested seats (none for best available) and the fan's admission session, then the token's
     * signature.
     */
    private void admit(Showtime showtime, String userId, String admissionToken, List<String> seatIds) {
        AdmissionVerifier.requirePresent(admissionToken);
        String claimedSid = admission.claimedSession(admissionToken);
        SeatGate.Check check = gate.check(showtime, userId, claimedSid, seatIds);
        if (!check.taken().isEmpty()) {
            conflicts.increment();
            throw new SeatsTakenException(check.taken(), List.of());
        }
        requireAdmission(showtime, userId, admissionToken, claimedSid, check);
    }

    /** The token's signature (or the verified-token cache), and the session it claims is the fan's live one. */
    private void requireAdmission(Showtime showtime, String userId, String admissionToken, String claimedSid,
                                  SeatGate.Check check) {
        String sid = admission.verifySignature(admissionToken, userId, showtime.performanceId());
        if (!check.sessionLive() || sid == null || !sid.equals(claimedSid)) {
            throw AdmissionVerifier.ended();
        }
    }

    private List<UUID> parseSeatIds(List<String> requested) {
        List<UUID> ids = new ArrayList<>(requested.size());
        List<String> malformed = new ArrayList<>();
        for (String id : requested) {
            try {
                ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                malformed.add(id);
            }
        }
        if (!malformed.isEmpty()) {
            throw new SeatsTakenException(List.of(), malformed);
        }
        if (new LinkedHashSet<>(ids).size() != ids.size()) {
            throw ProblemException.badRequest("seatIds contains the same seat twice");
        }
        if (ids.size() > config.maxSeatsPerHold()) {
            throw ProblemException.badRequest("at most " + config.maxSeatsPerHold() + " seats per hold");
        }
        return ids;
    }

    /**
     * One statement ({@code hold_seats} or {@code hold_best_seats}, V4 migration): takes the fan's per-performance lock
     * and checks their ticket limit, locks the fan's live hold and every seat row involved in id order, checks all
     * requested seats are free (or the fan's own), releases the previous hold, inserts the new one and takes the seats
     * — or changes nothing and says why. With the commit, two round trips.
     */
    private Hold holdInDatabase(Showtime showtime, String userId, BestRequest best, HoldCall call) {
        UUID holdId = UUID.randomUUID();
        OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plus(config.holdTtl()).withNano(0);
        List<HeldSeat> held = new ArrayList<>();
        List<String> freed = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Map<String, Long> takenUntil = new HashMap<>();
        boolean showtimeGone = false;
        String refusal = null;
        int limit = 0;
        int already = 0;
        try (Connection c = db.getConnection();
             PreparedStatement ps = call.prepare(c, holdId, expiresAt)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String seat = rs.getString("seat_id");
                    switch (rs.getString("outcome")) {
                        case "held" -> held.add(new HeldSeat(seat, rs.getString("section"), rs.getString("row_label"),
                                rs.getInt("seat_number"), rs.getLong("price")));
                        case "freed" -> freed.add(seat);
                        case "unknown" -> unknown.add(seat);
                        case "taken" -> {
                            taken.add(seat);
                            OffsetDateTime until = rs.getObject("taken_until", OffsetDateTime.class);
                            if (rs.getBoolean("sold")) {
                                takenUntil.put(seat, Long.MAX_VALUE);
                            } else if (until != null) {
                                takenUntil.put(seat, until.toInstant().toEpochMilli());
                            }
                        }
                        case "over-limit" -> {
                            refusal = "over-limit";
                            limit = rs.getInt("ticket_limit");
                            already = rs.getInt("tickets_held");
                        }
                        case "unknown-section", "none-together" -> refusal = rs.getString("outcome");
                        default -> showtimeGone = true;
                    }
                }
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) { // a parallel request of the same fan won the one live hold
                throw ProblemException.conflict("Another hold of yours for this showtime is being made");
            }
            throw new IllegalStateException(e);
        }
        if (showtimeGone) {
            throw ProblemException.notFound("showtime " + showtime.id());
        }
        if ("over-limit".equals(refusal)) {
            limitRefusals.increment();
            throw new TicketLimitException(limit, already);
        }
        if ("unknown-section".equals(refusal)) {
            throw ProblemException.invalid("section", "no section " + best.section() + " in this showtime");
        }
        if ("none-together".equals(refusal)) {
            conflicts.increment();
            throw new ProblemException(409, "No Seats Together", (best.count() == 1 ? "no seat available"
                    : "no " + best.count() + " adjacent seats available")
                    + (best.section() == null ? " in this showtime" : " in section " + best.section()));
        }
        if (!taken.isEmpty() || !unknown.isEmpty()) {
            conflicts.increment();
            gate.markTaken(showtime, takenUntil); // the gate did not know: it does now
            throw new SeatsTakenException(taken, unknown);
        }
        gate.applyHoldAfterCommit(showtime, userId, held.stream().map(HeldSeat::id).toList(),
                expiresAt.toInstant().toEpochMilli(), freed);
        holds.increment();
        long amount = held.stream().mapToLong(HeldSeat::price).sum();
        held.sort(java.util.Comparator.comparing(HeldSeat::section).thenComparing(HeldSeat::row)
                .thenComparingInt(HeldSeat::number));
        return new Hold(holdId.toString(), showtime.id().toString(), held, amount, expiresAt);
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
}
