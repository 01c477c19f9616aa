package dev.ticketing.bench;

import org.jose4j.jwk.RsaJsonWebKey;

import java.io.BufferedWriter;
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
        RsaJsonWebKey auth = BenchTokens.key("hold-bench-auth");
        RsaJsonWebKey queue = BenchTokens.key("hold-bench-queue");
        int port = BenchTokens.serve(Map.of("/auth-jwks.json", BenchTokens.jwks(auth), "/queue-jwks.json", BenchTokens.jwks(queue)));
        BenchTokens.write(dir.resolve("jwks.port"), Integer.toString(port));
        String issuer = args[2];
        String audience = args[3];
        BenchTokens.write(dir.resolve("admin.token"), BenchTokens.access(auth, issuer, audience, UUID.randomUUID().toString(), List.of("admin"), 3600));

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
            return new String[]{user, sid, BenchTokens.access(auth, issuer, audience, user, List.of("user"), 3600),
                    BenchTokens.admission(queue, user, performanceId, sid, 3600)};
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
        BenchTokens.write(dir.resolve("fans.done"), String.format("signed %d access + %d admission tokens (fresh fans) in %.1f s",
                fans.size(), fans.size(), (System.nanoTime() - t0) / 1e9));
        Thread.currentThread().join(); // keep serving the JWKS until killed
    }
}
