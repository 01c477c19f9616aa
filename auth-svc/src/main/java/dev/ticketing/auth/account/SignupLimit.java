package dev.ticketing.auth.account;

import dev.ticketing.auth.config.AuthConfig;
import dev.ticketing.auth.rest.ApiException;
import io.agroal.api.AgroalDataSource;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sign-ups per client address: a Bucket4j token bucket per address, kept in PostgreSQL so every pod spends the same
 * budget (the row is locked for the read-modify-write, so parallel sign-ups from one address cannot overshoot).
 * The address is the forwarded one behind the edge (quarkus.http.proxy.*), like the login brake's.
 */
@ApplicationScoped
public class SignupLimit {

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final BucketConfiguration perClient;
    private final int capacity;

    public SignupLimit(AgroalDataSource dataSource, AuthConfig config) {
        AuthConfig.Signup signup = config.signup();
        this.capacity = signup.perClient();
        this.perClient = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(signup.perClient())
                        .refillGreedy(signup.perClient(), signup.perClientPeriod()))
                .build();
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_bucket").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                // a full bucket is the same as no row: let the purge take it
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
    }

    /** Spends one sign-up of the address's budget, or refuses with 429 + Retry-After before any hashing happens. */
    public void spend(String clientAddress) {
        ConsumptionProbe probe = buckets.builder().build("signup:" + clientAddress, () -> perClient)
                .tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
            throw new ApiException(429, "Too Many Requests",
                    "Too many sign-ups from this address (at most " + capacity + " at once). Try again in "
                            + retryAfter + " seconds.",
                    Map.of("Retry-After", Long.toString(retryAfter)));
        }
    }

    /** Buckets that have refilled carry no information; keep the table as small as the set of recent sign-up sources. */
    @Scheduled(every = "5m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeRefilled() {
        int removed;
        do {
            removed = buckets.removeExpired(1_000);
        } while (removed == 1_000);
    }
}
