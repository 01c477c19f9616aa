package dev.ticketing.queue.admission;

import dev.ticketing.queue.config.QueueConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.UUID;

/**
 * Admission tokens (docs/architecture.md): RS256 with queue-svc's own key, iss {@code ticketing-queue}, aud = the
 * performance, sub = the user, exp = end of the active session, {@code sid} = the admission's session id, jti.
 * booking-svc verifies them against {@link #jwks()} and honours them only while {@code sid} is the user's live session
 * in the room (docs/architecture.md). Signed once per admission: the token is kept in the room and read back.
 */
@ApplicationScoped
public class AdmissionTokens {

    private final String issuer;
    private final PrivateKey privateKey;
    private final String kid;
    private final String jwks;

    public AdmissionTokens(QueueConfig config) {
        QueueConfig.Admission admission = config.admission();
        this.issuer = admission.issuer();
        KeyPair keys = keys(admission);
        this.privateKey = keys.getPrivate();
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) keys.getPublic());
        // The thumbprint as kid: the same key on every pod gives the same kid, a rotated key a new one.
        this.kid = jwk.calculateBase64urlEncodedThumbprint("SHA-256");
        jwk.setKeyId(kid);
        jwk.setAlgorithm("RS256");
        jwk.setUse("sig");
        this.jwks = new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static KeyPair keys(QueueConfig.Admission admission) {
        try {
            if (admission.privateKey().isPresent() && !admission.privateKey().get().isBlank()) {
                PrivateKey key = KeyUtils.decodePrivateKey(admission.privateKey().get(), SignatureAlgorithm.RS256);
                if (!(key instanceof RSAPrivateCrtKey crt)) {
                    throw new IllegalStateException("queue.admission.private-key must be an RSA (PKCS#8) key");
                }
                var pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
                return new KeyPair(pub, key);
            }
            if (!admission.generateKey()) {
                throw new IllegalStateException("queue.admission.private-key (TICKETING_QUEUE_ADMISSION_KEY) is not set: "
                        + "all pods must sign admission tokens with the same key");
            }
            return KeyUtils.generateKeyPair(2048);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the admission signing key", e);
        }
    }

    public String issue(String performanceId, String userId, String sessionId, long sessionExpiresAtMillis) {
        return Jwt.issuer(issuer)
                .audience(performanceId)
                .subject(userId)
                .issuedAt(Instant.now())
                .expiresAt(sessionExpiresAtMillis / 1000)
                .claim("sid", sessionId)
                .claim("jti", UUID.randomUUID().toString())
                .jws().keyId(kid).algorithm(SignatureAlgorithm.RS256)
                .sign(privateKey);
    }

    /** Public half only. */
    public String jwks() {
        return jwks;
    }
}
