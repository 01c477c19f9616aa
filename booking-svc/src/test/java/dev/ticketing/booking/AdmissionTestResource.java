package dev.ticketing.booking;

import io.quarkus.arc.Arc;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
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

/**
 * Stands in for queue-svc: its signing key (a JWKS file booking-svc reads), admission tokens signed like queue-svc's,
 * and the live admission session each one names, kept where queue-svc keeps it ({@code room:{perf}:sessions} in the
 * Redis the running booking-svc uses).
 */
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

    /** A token for the fan's live admission; admits the fan first when they have none. */
    public static String token(String userId, String performanceId) {
        return token(userId, performanceId, Instant.now().plusSeconds(300), "ticketing-queue", KEYS.getPrivate());
    }

    public static String token(String userId, String performanceId, Instant exp, String issuer, PrivateKey key) {
        return signed(userId, performanceId, session(userId, performanceId), exp, issuer, key);
    }

    static String signed(String userId, String performanceId, String sid, Instant exp, String issuer, PrivateKey key) {
        var claims = Jwt.issuer(issuer).audience(performanceId).subject(userId).issuedAt(Instant.now().minusSeconds(60))
                .expiresAt(exp).claim("jti", UUID.randomUUID().toString());
        if (sid != null) {
            claims.claim("sid", sid);
        }
        return claims.jws().keyId("queue-test-key").algorithm(SignatureAlgorithm.RS256).sign(key);
    }

    /** A token of a session that is not (or no longer) the fan's live one. */
    public static String tokenOfSession(String userId, String performanceId, String sid) {
        return signed(userId, performanceId, sid, Instant.now().plusSeconds(300), "ticketing-queue", KEYS.getPrivate());
    }

    private static HashCommands<String, String, String> sessions() {
        return Arc.container().instance(RedisDataSource.class).get().hash(String.class, String.class, String.class);
    }

    static String sessionsKey(String performanceId) {
        return "room:{" + performanceId + "}:sessions";
    }

    /** The fan's live session id, admitting them (a new session) when there is none. */
    public static String session(String userId, String performanceId) {
        String sid = sessions().hget(sessionsKey(performanceId), userId);
        if (sid == null) {
            sid = UUID.randomUUID().toString();
            sessions().hset(sessionsKey(performanceId), userId, sid);
        }
        return sid;
    }

    /** What queue-svc does when the booking completes or is abandoned, the fan leaves or the session expires. */
    public static void endSession(String userId, String performanceId) {
        sessions().hdel(sessionsKey(performanceId), userId);
    }

    /** Signed with the real (queue) key but with the given expiry and issuer. */
    public static String token(String userId, String performanceId, Instant exp, String issuer) {
        return token(userId, performanceId, exp, issuer, KEYS.getPrivate());
    }

    public static PrivateKey foreignKey() {
        return generate().getPrivate();
    }
}
