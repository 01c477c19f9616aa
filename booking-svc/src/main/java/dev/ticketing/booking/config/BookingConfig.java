package dev.ticketing.booking.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "booking")
public interface BookingConfig {

    /** How long a hold keeps its seats before they go back on sale. */
    @WithDefault("PT5M")
    Duration holdTtl();

    /** Most seats one user may hold at once for one showtime. */
    @WithDefault("4")
    int maxSeatsPerHold();

    /**
     * Most tickets one fan may have for one performance (live holds plus pending and confirmed orders, across its
     * showtimes) unless an admin set the performance's own limit.
     */
    @WithDefault("4")
    int ticketsPerFan();

    /** How long an order may wait for its payment result before it expires and its seats are released. */
    @WithDefault("PT10M")
    Duration orderTtl();

    /** How often each pod sweeps lapsed holds and orders (read by the scheduler). */
    @WithDefault("5s")
    String sweepInterval();

    Admission admission();

    Outbox outbox();

    SeatGate seatGate();

    Retention retention();

    /** outbox/Retention: how long rows of the outbox and of processed event ids are kept. */
    interface Retention {
        /** Published outbox rows (unpublished ones are never purged). */
        @WithDefault("P7D")
        Duration outbox();

        /** Processed event ids: longer than the topics keep records, or a late redelivery could apply twice. */
        @WithDefault("P14D")
        Duration processedEvents();

        /** How often each pod purges (read by the scheduler). */
        @WithDefault("1h")
        String every();
    }

    interface SeatGate {
        /** How often the Redis seat gate of busy showtimes is rebuilt from PostgreSQL (read by the scheduler). */
        @WithDefault("30s")
        String reconcileInterval();
    }

    interface Outbox {
        /**
         * The relay's safety-net timer (read by the scheduler): it also runs right after every commit that wrote an
         * event, so this only retries rows a failed send left behind and picks up other pods' rows.
         */
        @WithDefault("1s")
        String pollInterval();

        /** Rows published per pass; their sends are in flight together, and one UPDATE marks them. */
        @WithDefault("500")
        int batchSize();

        /** How long a pass waits for the broker's acks before it leaves its rows for the next pass. */
        @WithDefault("30s")
        Duration sendTimeout();
    }

    interface Admission {
        /** queue-svc's JWKS (admission tokens are signed with queue-svc's key, not auth-svc's). */
        @WithDefault("http://127.0.0.1:8083/api/queues/.well-known/jwks.json")
        String jwksLocation();

        @WithDefault("ticketing-queue")
        String issuer();
    }

    /** Verified access and admission tokens kept (CachingJwtParser): bounded, never past a token's exp. */
    TokenCache tokenCache();

    /**
     * How long a showtime's serialized seat map is shared by every fan who asks (a micro-cache, as an edge's
     * {@code proxy_cache_valid 1s}): 500 fans reading a 2,000-seat map at once cost one query and one 200 KB body,
     * not 500 of each. This pod's own seat changes replace it at once; other pods' show within this time. 0 = none.
     */
    @io.smallrye.config.WithName("seat-map.max-age")
    @WithDefault("1s")
    Duration seatMapMaxAge();

    interface TokenCache {
        @WithDefault("20000")
        long maxEntries();

        @WithDefault("5m")
        java.time.Duration maxTtl();
    }
}
