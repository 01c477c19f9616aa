package dev.ticketing.booking.auth;

import dev.ticketing.booking.config.BookingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

/** Puts the verified-token cache in front of the parser smallrye-jwt's authentication uses for access tokens. */
@ApplicationScoped
public class AccessTokens {

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTParser accessTokenParser(DefaultJWTParser smallrye, BookingConfig config, MeterRegistry registry) {
        return new CachingJwtParser(smallrye, config.tokenCache().maxEntries(), config.tokenCache().maxTtl(), registry,
                "access-tokens");
    }
}
