package dev.ticketing.auth.token;

import dev.ticketing.auth.config.AuthConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Signs access tokens exactly as docs/architecture.md "Tokens" pins them down. */
@ApplicationScoped
public class AccessTokens {

    private final AuthConfig config;
    private final SigningKeys keys;

    public AccessTokens(AuthConfig config, SigningKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    public String issue(UUID accountId, String email, Set<String> roles) {
        Instant now = Instant.now();
        return Jwt.issuer(config.issuer())
                .audience(config.audience())
                .subject(accountId.toString())
                .upn(email)
                .claim("email", email)
                .groups(roles)
                .issuedAt(now)
                .expiresAt(now.plus(config.accessTokenTtl()))
                .claim("jti", UUID.randomUUID().toString())
                .jws()
                .keyId(keys.signingKid())
                .algorithm(SignatureAlgorithm.RS256)
                .sign(keys.signingKey());
    }

    public long ttlSeconds() {
        return config.accessTokenTtl().toSeconds();
    }
}
