package dev.ticketing.auth.token;

import dev.ticketing.auth.config.AuthConfig;
import io.quarkus.logging.Log;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RSA key that signs access tokens, plus retired public keys still trusted during a rotation. Every key's
 * {@code kid} is its RFC 7638 thumbprint, so all pods sharing one secret agree on it without extra configuration.
 */
@ApplicationScoped
public class SigningKeys {

    static final String GENERATED_KEY_FILE = "signing-key.pem";

    private final PrivateKey signingKey;
    private final String signingKid;
    /** kid → public JWK; the active key first. */
    private final Map<String, RsaJsonWebKey> publicKeys = new LinkedHashMap<>();
    private final String jwksJson;

    public SigningKeys(AuthConfig config) {
        AuthConfig.Signing signing = config.signing();
        this.signingKey = signing.privateKeyFile().map(SigningKeys::readPrivateKey)
                .or(() -> signing.generatedKeyDir().map(SigningKeys::loadOrGenerate))
                .orElseThrow(() -> new IllegalStateException("No signing key: set TICKETING_AUTH_SIGNING_KEY_FILE "
                        + "(PKCS#8 PEM RSA private key) or, outside prod, TICKETING_AUTH_KEY_DIR"));
        RsaJsonWebKey active = jwk(publicKeyOf(signingKey));
        this.signingKid = active.getKeyId();
        publicKeys.put(signingKid, active);
        for (Path previous : signing.previousPublicKeyFiles().orElse(List.of())) {
            RsaJsonWebKey old = jwk(readPublicKey(previous));
            publicKeys.putIfAbsent(old.getKeyId(), old);
        }
        this.jwksJson = new JsonWebKeySet(new ArrayList<JsonWebKey>(publicKeys.values()))
                .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        Log.infof("Signing access tokens with kid %s; JWKS publishes %d key(s)", signingKid, publicKeys.size());
    }

    public PrivateKey signingKey() {
        return signingKey;
    }

    public String signingKid() {
        return signingKid;
    }

    /** The public JWKS document (no private parts), as served at /api/auth/jwks. */
    public String jwksJson() {
        return jwksJson;
    }

    public List<String> kids() {
        return List.copyOf(publicKeys.keySet());
    }

    /** RFC 7638 SHA-256 thumbprint of an RSA public key: the kid it is published under. */
    public static String kidOf(RSAPublicKey key) {
        return jwk(key).getKeyId();
    }

    private static RsaJsonWebKey jwk(RSAPublicKey key) {
        RsaJsonWebKey jwk = new RsaJsonWebKey(key);
        jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
        jwk.setAlgorithm("RS256");
        jwk.setUse("sig");
        return jwk;
    }

    private static RSAPublicKey publicKeyOf(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey rsa)) {
            throw new IllegalStateException("The signing key must be an RSA private key in PKCS#8 form");
        }
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) {
        try {
            return KeyUtils.decodePrivateKey(Files.readString(file));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the signing key " + file + ": " + e.getMessage(), e);
        }
    }

    private static RSAPublicKey readPublicKey(Path file) {
        try {
            return (RSAPublicKey) KeyUtils.decodePublicKey(Files.readString(file));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the retired public key " + file + ": " + e.getMessage(), e);
        }
    }

    /** dev/test: a key generated on first start and kept, so restarts do not log everybody out. */
    private static PrivateKey loadOrGenerate(Path dir) {
        Path file = dir.resolve(GENERATED_KEY_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                String pem = "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pair.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n";
                // Write then rename: two processes starting together never read a half-written key.
                Path tmp = Files.createTempFile(dir, "signing-key", ".tmp");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // non-POSIX file system: keep the default permissions
                }
                Files.writeString(tmp, pem);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                Log.warnf("Generated a development signing key at %s (never use this in prod)", file);
            }
            return readPrivateKey(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
