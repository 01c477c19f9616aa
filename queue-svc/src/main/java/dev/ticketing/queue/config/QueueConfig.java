package dev.ticketing.queue.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Typed configuration of the waiting room ({@code queue.*} in application.properties). */
@ConfigMapping(prefix = "queue")
public interface QueueConfig {

    /** Settings of a room until an admin configures it (PUT /api/queues/{id}/config). */
    RoomDefaults defaults();

    /** A socket that comes back with its ticket within this time keeps its place; after it, the place is gone. */
    @WithDefault("30s")
    Duration reconnectGrace();

    /** Sliding window over which the admit rate (and so the estimated wait) is measured. */
    @WithDefault("30")
    int rateWindowSeconds();

    /** How many admissions the fairness audit keeps per room. */
    @WithDefault("100000")
    int auditMax();

    /** Period of the admission round every pod runs for every room (a Vert.x timer: sub-second periods work). */
    @WithDefault("250ms")
    Duration admitEvery();

    /**
     * Every socket's place is read once per this period and sent when it changed (or the heartbeat is due, {@link
     * #pushUnchangedEvery()}); the reads are spread over it in
     * {@link #pushSlices()} slices, one Redis round trip per room and slice.
     */
    @WithDefault("1s")
    Duration pushEvery();

    @WithDefault("10")
    int pushSlices();

    /**
     * A socket whose fan would see the same thing as in its last frame (position, ahead, estimate, status) is skipped
     * until this long after that frame: a heartbeat well inside the page's 8 s silence limit. At 10,000 waiting fans
     * the once-a-second frames through two hops were most of a 2-core box (docs/benchmarks.md, P8). 0 = every period.
     */
    @WithDefault("5s")
    Duration pushUnchangedEvery();

    /**
     * A socket that has not answered the server's pings (quarkus.websockets-next.server.auto-ping-interval) for this
     * long is treated as gone: a phone that lost its network without a close (a half-open connection) otherwise keeps
     * its place until TCP gives up, minutes later. Its reconnect grace period starts then. 0 turns the check off.
     */
    @WithDefault("30s")
    Duration socketSilenceLimit();

    /** Verified access tokens kept (CachingJwtParser): bounded, never past a token's exp. */
    TokenCache tokenCache();

    interface TokenCache {
        @WithDefault("10000")
        long maxEntries();

        @WithDefault("5m")
        Duration maxTtl();
    }

    Admission admission();

    interface RoomDefaults {
        @WithDefault("100")
        int capacity();

        @WithDefault("600")
        int sessionTtlSeconds();

        @WithDefault("20")
        int admitPerSecond();
    }

    interface Admission {
        /** Issuer of admission tokens (docs/architecture.md). */
        @WithDefault("ticketing-queue")
        String issuer();

        /**
         * PKCS#8 PEM of the RSA key that signs admission tokens. Every pod must sign with the same key, so production
         * takes it from a secret; dev and test may generate one at start instead.
         */
        Optional<String> privateKey();

        /** Generate a throwaway key when {@link #privateKey()} is absent (dev/test only: pods would disagree). */
        @WithDefault("false")
        boolean generateKey();
    }
}
