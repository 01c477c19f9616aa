package dev.ticketing.booking.hold;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which performance a showtime belongs to. The pair never changes, so it is cached: the hot refusal path must not touch
 * the database, and the seat gate's keys carry the performance (they share a Redis hash slot with the room's
 * admission sessions, so one script can read both). A deleted performance is still refused inside the hold itself.
 */
@ApplicationScoped
public class Showtimes {

    private static final int MAX_ENTRIES = 100_000;

    private final AgroalDataSource db;
    private final Map<UUID, Showtime> cache = new ConcurrentHashMap<>();

    public Showtimes(AgroalDataSource db) {
        this.db = db;
    }

    public record Showtime(UUID id, String performanceId) {
    }

    /** The showtime of a live performance (cached once seen), or empty. */
    public Optional<Showtime> find(UUID showtimeId) {
        Showtime cached = cache.get(showtimeId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Showtime> loaded = load(showtimeId, true);
        loaded.ifPresent(this::remember);
        return loaded;
    }

    /** The showtime if it is cached, without touching the database (the event-loop refusal path); else null. */
    public Showtime cached(UUID showtimeId) {
        return cache.get(showtimeId);
    }

    /** The performance of any showtime, deleted or not (for gate keys); null when the showtime does not exist. */
    public String performanceOf(String showtimeId) {
        UUID id = UUID.fromString(showtimeId);
        Showtime cached = cache.get(id);
        if (cached != null) {
            return cached.performanceId();
        }
        return load(id, false).map(s -> {
            remember(s);
            return s.performanceId();
        }).orElse(null);
    }

    private void remember(Showtime s) {
        if (cache.size() > MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(s.id(), s);
    }

    private Optional<Showtime> load(UUID showtimeId, boolean liveOnly) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select t.performance_id from showtime t join performance p on p.id = t.performance_id where t.id = ?"
                        + (liveOnly ? " and p.deleted_at is null" : ""))) {
            ps.setObject(1, showtimeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Showtime(showtimeId, rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
