package dev.ticketing.auth.token;

import dev.ticketing.auth.config.AuthConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

import java.util.Set;

/**
 * auth-svc verifies its own tokens with smallrye-jwt like every other service, but reads the keys from memory
 * instead of fetching its own JWKS over HTTP: same checks (RS256 only, signature by kid, iss, aud, exp), no loop.
 */
@ApplicationScoped
public class OwnTokenVerification {

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTAuthContextInfo contextInfo(AuthConfig config, SigningKeys keys) {
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setPublicKeyContent(keys.jwksJson());
        info.setIssuedBy(config.issuer());
        info.setExpectedAudience(Set.of(config.audience()));
        // Pinning the algorithm is what rejects alg=none and HS256-with-the-public-key forgeries.
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        info.setClockSkew(config.clockSkewSeconds());
        info.setRequiredClaims(Set.of("sub", "exp", "iat", "jti"));
        return info;
    }
}
