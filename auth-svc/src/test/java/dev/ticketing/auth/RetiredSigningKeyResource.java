package dev.ticketing.auth;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;

/**
 * A key rotation in progress: a retired key pair generated at test start (never committed) whose public half
 * auth-svc is configured to keep trusting, the way an operator configures TICKETING_AUTH_PREVIOUS_PUBLIC_KEY_FILES.
 */
public class RetiredSigningKeyResource implements QuarkusTestResourceLifecycleManager {

    private static volatile KeyPair retired;

    static synchronized KeyPair retired() {
        if (retired == null) {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                retired = g.generateKeyPair();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return retired;
    }

    static PrivateKey retiredPrivateKey() {
        return retired().getPrivate();
    }

    static RSAPublicKey retiredPublicKey() {
        return (RSAPublicKey) retired().getPublic();
    }

    @Override
    public Map<String, String> start() {
        try {
            Path file = Files.createTempFile("auth-retired-key", ".pem");
            file.toFile().deleteOnExit();
            Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(retired().getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            return Map.of("ticketing.auth.signing.previous-public-key-files", file.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
