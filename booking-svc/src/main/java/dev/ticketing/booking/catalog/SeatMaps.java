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

/**
 * The seat map as the crowd reads it: one serialized body per showtime, shared by every request for up to
 * {@code booking.seat-map.max-age}, built by one query while the others wait for it (a 7,500-fan sale ran booking-svc
 * out of its 160 MB heap building a 2,000-seat map for each of hundreds of fans at once: docs/benchmarks.md, P8). A
 * seat change committed by this pod ({@link SeatsChanged}) drops the showtime's body at once, so a fan sees their own
 * hold on the next read; changes made by other pods show within the max age. The hold path never trusts the map:
 * PostgreSQL decides.
 */
@ApplicationScoped
public class SeatMaps {

    /** Seats of this showtime changed in a transaction that just committed. */
    public record SeatsChanged(String showtimeId) {
    }

    private final CatalogService catalog;
    private final ObjectMapper json;
    private final Cache<UUID, Optional<byte[]>> bodies;

    public SeatMaps(CatalogService catalog, ObjectMapper json, BookingConfig config, MeterRegistry metrics) {
        this.catalog = catalog;
        this.json = json;
        this.bodies = config.seatMapMaxAge().isZero() ? null : Caffeine.newBuilder()
                .expireAfterWrite(config.seatMapMaxAge())
                .maximumSize(1_000)
                .recordStats()
                .build();
        if (bodies != null) {
            CaffeineCacheMetrics.monitor(metrics, bodies, "seat-maps");
        }
    }

    /** The showtime's seat map as JSON, or empty when there is no such (live) showtime. */
    public Optional<byte[]> body(UUID showtimeId) {
        if (bodies == null) {
            return build(showtimeId);
        }
        return bodies.get(showtimeId, this::build);
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
        if (bodies != null) {
            try {
                bodies.invalidate(UUID.fromString(event.showtimeId()));
            } catch (IllegalArgumentException e) {
                // not one of ours
            }
        }
    }
}
