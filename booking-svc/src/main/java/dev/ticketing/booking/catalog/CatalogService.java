package dev.ticketing.booking.catalog;

import dev.ticketing.booking.catalog.CatalogDtos.PerformancePage;
import dev.ticketing.booking.catalog.CatalogDtos.PerformanceRequest;
import dev.ticketing.booking.catalog.CatalogDtos.PerformanceUpdate;
import dev.ticketing.booking.catalog.CatalogDtos.PerformanceView;
import dev.ticketing.booking.catalog.CatalogDtos.SeatMap;
import dev.ticketing.booking.catalog.CatalogDtos.SeatView;
import dev.ticketing.booking.catalog.CatalogDtos.SectionRequest;
import dev.ticketing.booking.catalog.CatalogDtos.ShowtimeRequest;
import dev.ticketing.booking.catalog.CatalogDtos.ShowtimeView;
import dev.ticketing.booking.availability.SoldOut;
import dev.ticketing.booking.config.BookingConfig;
import dev.ticketing.booking.outbox.Events;
import dev.ticketing.booking.outbox.Outbox;
import dev.ticketing.booking.outbox.Topics;
import dev.ticketing.booking.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Performances, showtimes and their seat maps. Every change publishes PerformanceUpserted/Deleted via the outbox. */
@ApplicationScoped
public class CatalogService {

    private final AgroalDataSource db;
    private final Outbox outbox;
    private final BookingConfig config;

    private final SoldOut soldOut;

    public CatalogService(AgroalDataSource db, Outbox outbox, BookingConfig config, SoldOut soldOut) {
        this.soldOut = soldOut;
        this.db = db;
        this.outbox = outbox;
        this.config = config;
    }

    @Transactional
    public PerformanceView create(PerformanceRequest req) {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into performance (id, title, description, venue, category, ticket_limit_per_fan)"
                            + " values (?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, id);
                ps.setString(2, req.title().strip());
                ps.setString(3, req.description() == null ? "" : req.description().strip());
                ps.setString(4, req.venue().strip());
                ps.setString(5, req.category().strip());
                ps.setObject(6, req.ticketLimitPerFan(), java.sql.Types.INTEGER);
                ps.executeUpdate();
            }
            for (ShowtimeRequest st : req.showtimes()) {
                addShowtime(c, id, st);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return publishUpserted(id);
    }

    @Transactional
    public PerformanceView update(UUID id, PerformanceUpdate req) {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    update performance set title = ?, description = ?, venue = ?, category = ?,
                           version = version + 1, updated_at = now()
                    where id = ? and deleted_at is null""")) {
                ps.setString(1, req.title().strip());
                ps.setString(2, req.description() == null ? "" : req.description().strip());
                ps.setString(3, req.venue().strip());
                ps.setString(4, req.category().strip());
                ps.setObject(5, id);
                if (ps.executeUpdate() == 0) {
                    throw ProblemException.notFound("performance " + id);
                }
            }
            if (req.addShowtimes() != null && !req.addShowtimes().isEmpty()) {
                for (ShowtimeRequest st : req.addShowtimes()) {
                    addShowtime(c, id, st);
                }
                soldOut.recheckBeforeCommit(List.of(id.toString())); // new seats: a sold-out performance is on sale again
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return publishUpserted(id);
    }

    /**
     * The performance's own per-fan ticket limit. Enforced by the hold functions at the fan's next hold: tickets a fan
     * already has are never taken away by a lower limit. Not part of PerformanceUpserted (no other service uses it),
     * so the version stays.
     */
    @Transactional
    public PerformanceView setTicketLimit(UUID id, int limit) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     update performance set ticket_limit_per_fan = ?, updated_at = now()
                     where id = ? and deleted_at is null""")) {
            ps.setInt(1, limit);
            ps.setObject(2, id);
            if (ps.executeUpdate() == 0) {
                throw ProblemException.notFound("performance " + id);
            }
            return load(c, id).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Refused while any seat is held or sold: tickets already promised to fans are never deleted from under them. */
    @Transactional
    public void delete(UUID id) {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    select count(*) from seat s join showtime t on t.id = s.showtime_id
                    where t.performance_id = ? and (s.status = 'SOLD' or (s.status = 'HELD' and s.held_until > now()))""")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw ProblemException.conflict("performance " + id + " has " + rs.getLong(1)
                                + " held or sold seats and cannot be deleted");
                    }
                }
            }
            long version;
            try (PreparedStatement ps = c.prepareStatement("""
                    update performance set deleted_at = now(), version = version + 1, updated_at = now()
                    where id = ? and deleted_at is null returning version""")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ProblemException.notFound("performance " + id);
                    }
                    version = rs.getLong(1);
                }
            }
            outbox.append(Topics.PERFORMANCE_EVENTS, id.toString(), "PerformanceDeleted",
                    new Events.PerformanceDeleted(id.toString(), version));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<PerformanceView> find(UUID id) {
        try (Connection c = db.getConnection()) {
            return load(c, id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public PerformancePage list(int page, int size) {
        try (Connection c = db.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("select count(*) from performance where deleted_at is null");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select id from performance where deleted_at is null order by created_at, id limit ? offset ?")) {
                ps.setInt(1, size);
                ps.setLong(2, (long) page * size);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            List<PerformanceView> items = new ArrayList<>();
            for (UUID id : ids) {
                load(c, id).ifPresent(items::add);
            }
            return new PerformancePage(items, page, size, total);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seat availability as a fan sees it: a hold past its deadline already counts as available again. */
    public Optional<SeatMap> seatMap(UUID showtimeId) {
        try (Connection c = db.getConnection()) {
            String performanceId;
            OffsetDateTime startsAt;
            try (PreparedStatement ps = c.prepareStatement("""
                    select t.performance_id, t.starts_at from showtime t join performance p on p.id = t.performance_id
                    where t.id = ? and p.deleted_at is null""")) {
                ps.setObject(1, showtimeId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    performanceId = rs.getString(1);
                    startsAt = rs.getObject(2, OffsetDateTime.class);
                }
            }
            List<SeatView> seats = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select id, section, row_label, number, price,
                           case when status = 'HELD' and held_until <= now() then 'AVAILABLE' else status end
                    from seat where showtime_id = ? order by section, length(row_label), row_label, number""")) {
                ps.setObject(1, showtimeId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seats.add(new SeatView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                rs.getLong(5), rs.getString(6)));
                    }
                }
            }
            return Optional.of(new SeatMap(showtimeId.toString(), performanceId, startsAt, seats));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void addShowtime(Connection c, UUID performanceId, ShowtimeRequest st) throws SQLException {
        UUID showtimeId = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement(
                "insert into showtime (id, performance_id, starts_at) values (?, ?, ?)")) {
            ps.setObject(1, showtimeId);
            ps.setObject(2, performanceId);
            ps.setObject(3, st.startsAt());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into seat (id, showtime_id, section, row_label, row_index, number, price)"
                        + " values (?, ?, ?, ?, ?, ?, ?)")) {
            for (SectionRequest s : st.sections()) {
                for (int row = 1; row <= s.rows(); row++) {
                    for (int n = 1; n <= s.seatsPerRow(); n++) {
                        ps.setObject(1, UUID.randomUUID());
                        ps.setObject(2, showtimeId);
                        ps.setString(3, s.name().strip());
                        ps.setString(4, rowLabel(row));
                        ps.setInt(5, row); // 1 = nearest the stage: best available's row order
                        ps.setInt(6, n);
                        ps.setLong(7, s.price());
                        ps.addBatch();
                    }
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw ProblemException.badRequest("section names must be unique within a showtime");
            }
            throw e;
        }
    }

    /** 1 → A, 26 → Z, 27 → AA: how venues label rows. */
    static String rowLabel(int row) {
        StringBuilder sb = new StringBuilder();
        for (int r = row; r > 0; r = (r - 1) / 26) {
            sb.insert(0, (char) ('A' + (r - 1) % 26));
        }
        return sb.toString();
    }

    private PerformanceView publishUpserted(UUID id) {
        try (Connection c = db.getConnection()) {
            PerformanceView v = load(c, id).orElseThrow();
            outbox.append(Topics.PERFORMANCE_EVENTS, v.id(), "PerformanceUpserted", new Events.PerformanceUpserted(
                    v.id(), v.version(), v.title(), v.description(), v.venue(), v.category(),
                    v.showtimes().stream().map(s -> new Events.ShowtimeRef(s.id(), s.startsAt())).toList(),
                    v.firstShowAt(), v.lastShowAt()));
            return v;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<PerformanceView> load(Connection c, UUID id) throws SQLException {
        String title;
        String description;
        String venue;
        String category;
        long version;
        int ticketLimit;
        try (PreparedStatement ps = c.prepareStatement("""
                select title, description, venue, category, version, ticket_limit_per_fan
                from performance where id = ? and deleted_at is null""")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                title = rs.getString(1);
                description = rs.getString(2);
                venue = rs.getString(3);
                category = rs.getString(4);
                version = rs.getLong(5);
                int own = rs.getInt(6);
                ticketLimit = rs.wasNull() ? config.ticketsPerFan() : own;
            }
        }
        List<ShowtimeView> showtimes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select t.id, t.starts_at, count(s.id), coalesce(min(s.price), 0), coalesce(max(s.price), 0)
                from showtime t left join seat s on s.showtime_id = t.id
                where t.performance_id = ? group by t.id, t.starts_at order by t.starts_at, t.id""")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    showtimes.add(new ShowtimeView(rs.getString(1),
                            rs.getObject(2, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC),
                            rs.getInt(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        OffsetDateTime first = showtimes.isEmpty() ? null : showtimes.get(0).startsAt();
        OffsetDateTime last = showtimes.isEmpty() ? null : showtimes.get(showtimes.size() - 1).startsAt();
        return Optional.of(new PerformanceView(id.toString(), version, title, description, venue, category, first, last,
                showtimes, ticketLimit));
    }
}
