package dev.ticketing.queue.auth;

import dev.ticketing.queue.config.QueueConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

/**
 * Puts the verified-token cache in front of the parser smallrye-jwt's authentication (and the WebSocket upgrade
 * check) uses for auth-svc's access tokens.
 */
@ApplicationScoped
public class AccessTokens {

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTParser accessTokenParser(DefaultJWTParser smallrye, QueueConfig config, MeterRegistry registry) {
        return new CachingJwtParser(smallrye, config.tokenCache().maxEntries(), config.tokenCache().maxTtl(), registry,
                "access-tokens");
    }
}
