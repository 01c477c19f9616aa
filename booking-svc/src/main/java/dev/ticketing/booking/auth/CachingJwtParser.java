package dev.ticketing.booking.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import org.eclipse.microprofile.jwt.JsonWebToken;

import javax.crypto.SecretKey;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A verified-token cache in front of smallrye-jwt: a token seen before (the next hold or order of the same fan, a retry) is not
 * verified again. Keyed by the exact token string, so only the very token that passed every check (RS256 signature,
 * iss, aud, exp) is ever answered from it; bounded in size; an entry never outlives the token's {@code exp} (nor
 * {@code maxTtl}). Failures are not cached: a forged token costs a verification each time, as without the cache.
 */
public final class CachingJwtParser implements JWTParser {

    private final JWTParser delegate;
    private final Cache<String, JsonWebToken> verified;

    public CachingJwtParser(JWTParser delegate, long maxEntries, Duration maxTtl, MeterRegistry registry, String name) {
        this.delegate = delegate;
        long maxTtlNanos = maxTtl.toNanos();
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, JsonWebToken>() {
                    @Override
                    public long expireAfterCreate(String token, JsonWebToken jwt, long currentTime) {
                        return Math.min(maxTtlNanos, nanosUntilExpiry(jwt));
                    }

                    @Override
                    public long expireAfterUpdate(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(registry, verified, name);
    }

    private static long nanosUntilExpiry(JsonWebToken jwt) {
        return Math.max(0, TimeUnit.SECONDS.toNanos(jwt.getExpirationTime()) - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken cached = verified.getIfPresent(token);
        if (cached != null && nanosUntilExpiry(cached) > 0) {
            return cached;
        }
        JsonWebToken jwt = delegate.parse(token);
        if (nanosUntilExpiry(jwt) > 0) {
            verified.put(token, jwt);
        }
        return jwt;
    }

    /**
     * The token if it passed every check before and has not expired since, else null — never a verification. For a
     * path that must stay cheap and hands anything else to the full one.
     */
    public JsonWebToken verifiedBefore(String token) {
        JsonWebToken cached = verified.getIfPresent(token);
        return cached != null && nanosUntilExpiry(cached) > 0 ? cached : null;
    }

    /** Entries right now (tests, metrics). */
    public long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return delegate.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return delegate.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return delegate.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return delegate.parseOnly(token);
    }
}
