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

    /** Period of the admission round every pod runs for every room (read by {@code @Scheduled}). */
    @WithDefault("1s")
    String admitEvery();

    /** Period of the position push to this pod's sockets (read by {@code @Scheduled}); the contract asks >= 1/s. */
    @WithDefault("1s")
    String pushEvery();

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
