package dev.ticketing.booking.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ticketing.booking.config.BookingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seat map as the crowd reads it: one serialized body per showtime, shared by every request for up to
 * {@code booking.seat-map.max-age}, built by one query while the others wait for it (a 7,500-fan sale ran booking-svc
 * out of its 160 MB heap building a 2,000-seat map for each of hundreds of fans at once: docs/benchmarks.md, P8). A
 * seat change committed by this pod ({@link SeatsChanged}) makes the showtime's body stale at once, so a fan sees their
 * own hold on the next read; changes made by other pods show within the max age. The hold path never trusts the map:
 * PostgreSQL decides.
 */
@ApplicationScoped
public class SeatMaps {

    /** Seats of this showtime changed in a transaction that just committed. */
    public record SeatsChanged(String showtimeId) {
    }

    /** A body and the showtime's change count it was built after. */
    private record Body(long version, Optional<byte[]> json) {
    }

    private final CatalogService catalog;
    private final ObjectMapper json;
    private final Cache<UUID, Body> bodies;
    /**
     * Committed seat changes per showtime. A change only counts up here: a writer never waits for a body being built
     * (dropping a cache entry would wait for its computation, which waits for a pooled connection that writers hold).
     */
    private final Cache<UUID, AtomicLong> versions;

    public SeatMaps(CatalogService catalog, ObjectMapper json, BookingConfig config, MeterRegistry metrics) {
        this.catalog = catalog;
        this.json = json;
        boolean off = config.seatMapMaxAge().isZero();
        this.bodies = off ? null : Caffeine.newBuilder()
                .expireAfterWrite(config.seatMapMaxAge())
                .maximumSize(1_000)
                .recordStats()
                .build();
        // Kept longer than any body: a forgotten count would let a body built before a change pass for current.
        this.versions = off ? null : Caffeine.newBuilder().expireAfterAccess(config.seatMapMaxAge().multipliedBy(10)
                .plusMinutes(1)).build();
        if (bodies != null) {
            CaffeineCacheMetrics.monitor(metrics, bodies, "seat-maps");
        }
    }

    /** The showtime's seat map as JSON, or empty when there is no such (live) showtime. */
    public Optional<byte[]> body(UUID showtimeId) {
        if (bodies == null) {
            return build(showtimeId);
        }
        long version = versions.get(showtimeId, k -> new AtomicLong()).get();
        Body cached = bodies.getIfPresent(showtimeId);
        if (cached != null && cached.version() >= version) {
            return cached.json();
        }
        // One build per showtime at a time; readers of the same showtime wait for it and share it.
        return bodies.asMap().compute(showtimeId, (id, current) -> current != null && current.version() >= version
                ? current : new Body(version, build(id))).json();
    }

    private Optional<byte[]> build(UUID showtimeId) {
        return catalog.seatMap(showtimeId).map(map -> {
            try {
                return json.writeValueAsBytes(map);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    void changed(@Observes SeatsChanged event) {
        if (versions != null) {
            try {
                versions.get(UUID.fromString(event.showtimeId()), k -> new AtomicLong()).incrementAndGet();
            } catch (IllegalArgumentException e) {
                // not one of ours
            }
        }
    }
}
