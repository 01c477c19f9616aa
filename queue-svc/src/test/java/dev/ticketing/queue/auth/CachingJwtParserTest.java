package dev.ticketing.queue.auth;

import dev.ticketing.testsupport.JwtTestResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verified-token cache: exact token as key, bounded, never past exp, failures never cached. */
class CachingJwtParserTest {

    /** Verifies like production (RS256 against the test JWKS, iss, aud, exp without skew) and counts calls. */
    private static final class Counting {
        final AtomicInteger calls = new AtomicInteger();
        final JWTParser parser;

        Counting() {
            JWTAuthContextInfo info = new JWTAuthContextInfo(JwtTestResource.publicKey(), JwtTestResource.ISSUER);
            info.setExpectedAudience(java.util.Set.of(JwtTestResource.AUDIENCE));
            info.setClockSkew(0);
            DefaultJWTParser real = new DefaultJWTParser(info);
            parser = (JWTParser) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{JWTParser.class},
                    (proxy, method, args) -> {
                        calls.incrementAndGet();
                        try {
                            return method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    private static CachingJwtParser cache(Counting delegate, long max) {
        return new CachingJwtParser(delegate.parser, max, Duration.ofMinutes(5), new SimpleMeterRegistry(), "t");
    }

    @Test
    void aTokenSeenBeforeIsNotVerifiedAgain() throws Exception {
        Counting delegate = new Counting();
        CachingJwtParser parser = cache(delegate, 100);
        String token = JwtTestResource.accessToken(UUID.randomUUID().toString());
        JsonWebToken first = parser.parse(token);
        assertSame(first, parser.parse(token));
        assertEquals(1, delegate.calls.get());
        // Another token of the same user is another key: verified on its own.
        parser.parse(JwtTestResource.accessToken(first.getSubject()));
        assertEquals(2, delegate.calls.get());
    }

    @Test
    void anEntryNeverOutlivesTheTokensExpiry() throws Exception {
        Counting delegate = new Counting();
        CachingJwtParser parser = cache(delegate, 100);
        long now = System.currentTimeMillis() / 1000;
        String token = JwtTestResource.sign(JwtTestResource.claims(UUID.randomUUID().toString()).expiresAt(now + 5));
        parser.parse(token);
        parser.parse(token);
        assertEquals(1, delegate.calls.get());
        Thread.sleep(Math.max(0, (now + 5) * 1000 - System.currentTimeMillis()) + 200);
        // Past exp the cache has nothing; the real check refuses the token.
        assertThrows(ParseException.class, () -> parser.parse(token));
        assertEquals(2, delegate.calls.get());
    }

    @Test
    void failuresAreNotCachedAndTheSizeIsBounded() throws Exception {
        Counting delegate = new Counting();
        CachingJwtParser parser = cache(delegate, 50);
        String forged = JwtTestResource.claims(UUID.randomUUID().toString()).jws().keyId(JwtTestResource.KID)
                .sign(JwtTestResource.foreignKey());
        assertThrows(ParseException.class, () -> parser.parse(forged));
        assertThrows(ParseException.class, () -> parser.parse(forged));
        assertEquals(2, delegate.calls.get(), "a forged token is checked every time");
        for (int i = 0; i < 500; i++) {
            parser.parse(JwtTestResource.accessToken(UUID.randomUUID().toString()));
        }
        assertTrue(parser.size() <= 50, "bounded: " + parser.size());
    }
}
