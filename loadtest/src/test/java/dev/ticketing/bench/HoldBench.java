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

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The JVM side of {@code loadtest/bench/hold-bench.sh} (prints no figures itself):
 * <ul>
 *   <li>{@code keys <dir> <issuer> <audience>}: two throwaway RSA keys, one playing auth-svc's (access tokens) and one
 *   queue-svc's (admission tokens); serves their public JWKS over HTTP on 127.0.0.1 ({@code /auth-jwks.json},
 *   {@code /queue-jwks.json}; {@code jwks.port} says where), writes {@code admin.token}, then waits for
 *   {@code fans.request} ("performanceId count owners") and writes, for fresh fans (a UUID each): {@code fans.txt} (one
 *   "accessToken admissionToken" line per fan), {@code owners.txt} (the same for the fans who take the seats first)
 *   and {@code sessions.redis} (the HSETs that make every admission live, as queue-svc's admission round does), then
 *   {@code fans.done}. Keeps serving the JWKS until killed.</li>
 * </ul>
 * Tokens are shaped like the real ones (docs/architecture.md, Tokens): access RS256 iss/aud/sub/upn/groups/exp/jti
 * with a kid; admission RS256 iss ticketing-queue, aud = the performance, sub, sid, exp, jti. exp = now + 1 h.
 */
public final class HoldBench {

    private HoldBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !"keys".equals(args[0])) {
            System.err.println("usage: HoldBench keys <dir> <issuer> <audience>");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        RsaJsonWebKey auth = key("hold-bench-auth");
        RsaJsonWebKey queue = key("hold-bench-queue");
        int port = serve(Map.of("/auth-jwks.json", jwks(auth), "/queue-jwks.json", jwks(queue)));
        write(dir.resolve("jwks.port"), Integer.toString(port));
        Signer access = new Signer(auth, args[2], args[3]);
        write(dir.resolve("admin.token"), access.access(UUID.randomUUID().toString(), List.of("admin")));

        Path request = dir.resolve("fans.request");
        while (!Files.exists(request)) {
            Thread.sleep(100);
        }
        String[] r = Files.readString(request).trim().split(" ");
        String performanceId = r[0];
        int count = Integer.parseInt(r[1]);
        int owners = Integer.parseInt(r[2]);
        long t0 = System.nanoTime();
        List<String[]> fans = IntStream.range(0, count + owners).parallel().mapToObj(i -> {
            String user = UUID.randomUUID().toString();
            String sid = UUID.randomUUID().toString();
            return new String[]{user, sid, access.access(user, List.of("user")), Signer.admission(queue, user, performanceId, sid)};
        }).toList();
        try (BufferedWriter f = Files.newBufferedWriter(dir.resolve("fans.txt"));
             BufferedWriter o = Files.newBufferedWriter(dir.resolve("owners.txt"));
             BufferedWriter s = Files.newBufferedWriter(dir.resolve("sessions.redis"))) {
            for (int i = 0; i < fans.size(); i++) {
                String[] fan = fans.get(i);
                (i < owners ? o : f).write(fan[2] + " " + fan[3] + "\n");
                s.write("HSET room:{" + performanceId + "}:sessions " + fan[0] + " " + fan[1] + "\n");
            }
        }
        write(dir.resolve("fans.done"), String.format("signed %d access + %d admission tokens (fresh fans) in %.1f s",
                fans.size(), fans.size(), (System.nanoTime() - t0) / 1e9));
        Thread.currentThread().join(); // keep serving the JWKS until killed
    }

    private static RsaJsonWebKey key(String prefix) throws Exception {
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
        return key;
    }

    private static byte[] jwks(RsaJsonWebKey key) {
        return new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private record Signer(RsaJsonWebKey key, String issuer, String audience) {
        String access(String user, List<String> groups) {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(issuer);
            claims.setAudience(audience);
            claims.setSubject(user);
            claims.setClaim("upn", user + "@bench.ticketing.local");
            claims.setStringListClaim("groups", groups);
            return sign(key, claims);
        }

        static String admission(RsaJsonWebKey key, String user, String performanceId, String sid) {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer("ticketing-queue");
            claims.setAudience(performanceId);
            claims.setSubject(user);
            claims.setClaim("sid", sid);
            return sign(key, claims);
        }

        private static String sign(RsaJsonWebKey key, JwtClaims claims) {
            try {
                claims.setIssuedAtToNow();
                NumericDate exp = NumericDate.now();
                exp.addSeconds(3600);
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
    }

    /** Serves the given paths on 127.0.0.1 (the JDK's HttpServer); returns the bound port. */
    private static int serve(Map<String, byte[]> files) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
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
}
