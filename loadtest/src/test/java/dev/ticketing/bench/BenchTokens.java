package dev.ticketing.bench;

import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the bench drivers share: throwaway RSA keys playing auth-svc's and queue-svc's, their JWKS served over HTTP
 * (so the services verify the production way), and tokens shaped like the real ones (docs/architecture.md, Tokens).
 */
final class BenchTokens {

    private BenchTokens() {
    }

    static RsaJsonWebKey key(String prefix) throws Exception {
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
        return key;
    }

    static byte[] jwks(RsaJsonWebKey key) {
        return new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8);
    }

    /** auth-svc's access token: iss, aud, sub, upn, groups, iat, exp, jti; kid header. */
    static String access(RsaJsonWebKey key, String issuer, String audience, String user, List<String> groups,
                         int lifetimeSeconds) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(user);
        claims.setClaim("upn", user + "@bench.ticketing.local");
        claims.setStringListClaim("groups", groups);
        return sign(key, claims, lifetimeSeconds);
    }

    /** queue-svc's admission token: iss ticketing-queue, aud = the performance, sub, sid = the admission session. */
    static String admission(RsaJsonWebKey key, String user, String performanceId, String sid, int lifetimeSeconds) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("ticketing-queue");
        claims.setAudience(performanceId);
        claims.setSubject(user);
        claims.setClaim("sid", sid);
        return sign(key, claims, lifetimeSeconds);
    }

    private static String sign(RsaJsonWebKey key, JwtClaims claims, int lifetimeSeconds) {
        try {
            claims.setIssuedAtToNow();
            NumericDate exp = NumericDate.now();
            exp.addSeconds(lifetimeSeconds);
            claims.setExpirationTime(exp);
            claims.setGeneratedJwtId();
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setHeader("typ", "JWT");
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves the given paths on 127.0.0.1 (the JDK's HttpServer) on a free port; returns it. */
    static int serve(Map<String, byte[]> files) throws Exception {
        return serve(files, 0);
    }

    /** The same on {@code port} (0: a free one); returns the bound port. */
    static int serve(Map<String, byte[]> files, int port) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = files.get(exchange.getRequestURI().getPath());
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    /** Written whole or not at all: the shell side polls for the file. */
    static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
