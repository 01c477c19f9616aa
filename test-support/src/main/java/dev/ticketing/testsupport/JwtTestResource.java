package dev.ticketing.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
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
import java.util.Set;
import java.util.UUID;

/**
 * For services that verify auth-svc's tokens: generates a throwaway RSA key pair when tests start, publishes its
 * public half as a JWKS file the service reads through its usual {@code mp.jwt.verify.publickey.location}, and signs
 * test access tokens exactly as auth-svc does (RS256, iss, aud, sub, upn, groups, exp, jti, kid). No key is committed.
 */
public class JwtTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ISSUER = "https://auth.ticketing.local";
    public static final String AUDIENCE = "ticketing-api";
    public static final String KID = "test-key-1";

    private static volatile KeyPair keys;

    static synchronized KeyPair keys() {
        if (keys == null) {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                keys = g.generateKeyPair();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return keys;
    }

    /** The public half of the test signing key (what the JWKS file holds). */
    public static java.security.PublicKey publicKey() {
        return keys().getPublic();
    }

    /** A foreign key pair: tokens signed with it must be refused. */
    public static PrivateKey foreignKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair().getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) keys().getPublic());
            jwk.setKeyId(KID);
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            Path file = Files.createTempFile("ticketing-test-jwks", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, new JsonWebKeySet(jwk).toJson());
            return Map.of(
                    "mp.jwt.verify.publickey.location", file.toUri().toString(),
                    "mp.jwt.verify.issuer", ISSUER,
                    "mp.jwt.verify.audiences", AUDIENCE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }

    /** Claims as auth-svc issues them, valid for 15 minutes; adjust before signing with {@link #sign}. */
    public static JwtClaimsBuilder claims(String userId, String... roles) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(userId)
                .upn(userId + "@example.test")
                .groups(Set.of(roles.length == 0 ? new String[] {"user"} : roles))
                .issuedAt(now)
                .expiresAt(now.plusSeconds(900))
                .claim("jti", UUID.randomUUID().toString());
    }

    public static String sign(JwtClaimsBuilder claims) {
        return claims.jws().keyId(KID).algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(keys().getPrivate());
    }

    /** A valid access token for a user with the given roles (default {@code user}). */
    public static String accessToken(String userId, String... roles) {
        return sign(claims(userId, roles));
    }
}
