package dev.ticketing.booking;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Stands in for queue-svc's signing key: a JWKS file booking-svc reads, and admission tokens signed like queue-svc's. */
public class AdmissionTestResource implements QuarkusTestResourceLifecycleManager {
    private static final KeyPair KEYS = generate();

    static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) KEYS.getPublic());
            jwk.setKeyId("queue-test-key");
            jwk.setAlgorithm("RS256");
            Path file = Files.createTempFile("queue-jwks", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, new JsonWebKeySet(jwk).toJson());
            return Map.of("booking.admission.jwks-location", file.toUri().toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }

    public static String token(String userId, String performanceId) {
        return token(userId, performanceId, Instant.now().plusSeconds(300), "ticketing-queue", KEYS.getPrivate());
    }

    public static String token(String userId, String performanceId, Instant exp, String issuer, PrivateKey key) {
        return Jwt.issuer(issuer).audience(performanceId).subject(userId).issuedAt(Instant.now().minusSeconds(60))
                .expiresAt(exp).claim("jti", UUID.randomUUID().toString())
                .jws().keyId("queue-test-key").algorithm(SignatureAlgorithm.RS256).sign(key);
    }

    /** Signed with the real (queue) key but with the given expiry and issuer. */
    public static String token(String userId, String performanceId, Instant exp, String issuer) {
        return token(userId, performanceId, exp, issuer, KEYS.getPrivate());
    }

    public static PrivateKey foreignKey() {
        return generate().getPrivate();
    }
}
