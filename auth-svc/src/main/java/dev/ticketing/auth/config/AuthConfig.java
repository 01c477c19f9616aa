package dev.ticketing.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Typed view of {@code ticketing.auth.*} (see application.properties for the environment variables behind it). */
@ConfigMapping(prefix = "ticketing.auth")
public interface AuthConfig {

    /** {@code iss} of every access token; other services verify it. */
    String issuer();

    /** {@code aud} of every access token. */
    String audience();

    /** Access-token lifetime; short, because access tokens cannot be revoked. */
    @WithDefault("PT15M")
    Duration accessTokenTtl();

    /** Refresh-token lifetime, renewed on each rotation. */
    @WithDefault("P14D")
    Duration refreshTokenTtl();

    /** Tolerated clock difference when verifying {@code exp}/{@code iat}, in seconds. */
    @WithDefault("30")
    int clockSkewSeconds();

    Signing signing();

    Password password();

    Throttle throttle();

    Signup signup();

    Admin admin();

    Verify verify();

    Provisioning provisioning();

    /** provisioning/FanProvisioning: fans created in bulk by an admin ahead of an on-sale. */
    interface Provisioning {
        @WithDefault("true")
        boolean enabled();
    }

    interface Signing {
        /** PKCS#8 PEM file of the active RSA private key (a mounted secret in prod). */
        Optional<Path> privateKeyFile();

        /**
         * PEM public keys of retired signing keys. They stay in the JWKS (and keep verifying) until every token
         * signed with them has expired: one access-token lifetime after the rotation.
         */
        Optional<List<Path>> previousPublicKeyFiles();

        /**
         * dev/test only: when no private key file is configured, keep a generated key in this directory (created at
         * first start, reused afterwards). Unset in prod, where a missing key is a start-up error.
         */
        Optional<Path> generatedKeyDir();
    }

    /** Argon2id cost; defaults follow the OWASP password storage minimum (19 MiB, 2 passes, 1 lane). */
    interface Password {
        @WithDefault("19456")
        int memoryKib();

        @WithDefault("2")
        int iterations();

        @WithDefault("1")
        int parallelism();

        /** Hashes computed at once (default 2 × cores); the rest wait. */
        OptionalInt maxConcurrent();

        /**
         * How long a request waits for a hashing slot before it is answered 503 + Retry-After: a flood of sign-ups or
         * logins must not tie up every worker thread (and with them every other request) behind the hashes.
         */
        @WithDefault("PT2S")
        Duration maxWait();
    }

    interface Throttle {
        /** Failed logins allowed per account (email) in one window before 429. */
        @WithDefault("5")
        int accountMaxFailures();

        @WithDefault("PT15M")
        Duration accountWindow();

        /** Failed logins allowed per client address in one window; high, because fans share NAT addresses. */
        @WithDefault("100")
        int ipMaxFailures();

        @WithDefault("PT10M")
        Duration ipWindow();

        /**
         * How long an attempt waits when the account's budget is held only by password checks still in flight
         * (one account logging in on several devices at once) before it is refused.
         */
        @WithDefault("PT3S")
        Duration pendingWait();
    }

    /**
     * Sign-up brake per client address (a token bucket in PostgreSQL, shared by every pod). Each sign-up costs an
     * Argon2 hash, so one client must not be able to turn sign-ups into a CPU flood. The default is generous on
     * purpose: Korean mobile carriers put many fans behind one NAT address, and sign-ups peak right before an on-sale.
     */
    interface Signup {
        /** Sign-ups one client address may make in a burst; the bucket refills at this many per {@link #perClientPeriod}. */
        @WithDefault("20")
        int perClient();

        @WithDefault("PT1M")
        Duration perClientPeriod();

        /**
         * The share of hashing slots sign-ups may hold at once (the rest stay free for logins), so a flood of sign-ups
         * from many addresses still leaves fans able to log in.
         */
        @WithDefault("0.5")
        double hashingShare();
    }

    /** Optional bootstrap admin ({@code TICKETING_ADMIN_EMAIL} / {@code TICKETING_ADMIN_PASSWORD}). */
    interface Admin {
        Optional<String> email();

        Optional<String> password();

        @WithDefault("Administrator")
        String name();

        /**
         * Opt-in ({@code TICKETING_ADMIN_PROMOTE_EXISTING=true}) to make an existing non-admin account with the
         * admin email the admin. Off by default: sign-up verifies no email, so anyone could have registered it.
         */
        @WithDefault("false")
        boolean promoteExisting();
    }

    interface Verify {
        /**
         * Original-request paths (regular expression, whole path) whose token may come from the WebSocket
         * subprotocol carrier ({@code Sec-WebSocket-Protocol: bearer-token-carrier,
         * quarkus-http-upgrade%23Authorization%23Bearer%20<token>}): browsers cannot set headers on a WebSocket, and
         * only the WebSocket route gets this.
         */
        @WithDefault("/api/queues/[^/]+/ws")
        String websocketPath();
    }
}
