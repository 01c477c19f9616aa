package dev.ticketing.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The JVM side of {@code loadtest/bench/queue-bench.sh} (prints no figures itself, except {@code ws}):
 * <ul>
 *   <li>{@code prepare <dir> <warmup> <p1> <p3> <issuer> <audience> [jwksPort|0]}: a throwaway RSA key playing
 *   auth-svc's, its public JWKS ({@code jwks.json}; the kid is in every token header) and pre-signed access tokens,
 *   one fresh user (UUID subject) per line: {@code warmup.tokens}, {@code p1.tokens}, {@code p3.tokens}, plus
 *   {@code admin.token} (groups admin) and one probe fan per room ({@code probe-p1.token}, {@code probe-p3.token}).
 *   RS256, iss/aud as auth-svc issues them, exp = now + 1 h; signed with jose4j. With a port, the JWKS is also served
 *   over HTTP on 127.0.0.1 (queue-svc fetches it as it fetches auth-svc's in production) before signing starts
 *   ({@code jwks.port} says where), {@code tokens.done} appears when the tokens are written, and the process keeps
 *   serving until it is killed.</li>
 *   <li>{@code topics <bootstrap>}: creates performance-events and booking-events if missing.</li>
 *   <li>{@code publish <bootstrap> <PerformanceUpserted|PerformanceDeleted> <performanceId> <version>}: one event
 *   in the contract's envelope (docs/architecture.md), keyed by the performance id, as booking-svc's outbox does.</li>
 *   <li>{@code ws ...}: the 10,000-socket client, see {@link WsSilenceClient}.</li>
 * </ul>
 */
public final class QueueBench {

    private QueueBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "prepare" -> prepare(args);
            case "topics" -> topics(args[1]);
            case "publish" -> publish(args[1], args[2], args[3], Long.parseLong(args[4]));
            case "ws" -> WsSilenceClient.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: QueueBench prepare <dir> <warmup> <p1> <p3> <issuer> <audience> [jwksPort]"
                + " | topics <bootstrap> | publish <bootstrap> <type> <performanceId> <version>"
                + " | ws <args> (see WsSilenceClient)");
        System.exit(2);
    }

    // ---- tokens -------------------------------------------------------------------------------------------------

    private static void prepare(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int p1 = Integer.parseInt(args[3]);
        int p3 = Integer.parseInt(args[4]);
        String issuer = args[5];
        String audience = args[6];
        Integer port = args.length > 7 ? Integer.valueOf(args[7]) : null;
        Files.createDirectories(dir);

        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("queue-bench-" + UUID.randomUUID().toString().substring(0, 8));
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
        String jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        writeAtomically(dir.resolve("jwks.json"), jwks);
        if (port != null) {
            int bound = BenchTokens.serve(java.util.Map.of("/jwks.json", jwks.getBytes(java.nio.charset.StandardCharsets.UTF_8)), port);
            writeAtomically(dir.resolve("jwks.port"), Integer.toString(bound));
        }
        Signer signer = new Signer(key, issuer, audience);

        long t0 = System.nanoTime();
        Files.writeString(dir.resolve("admin.token"), signer.sign(List.of("admin")) + "\n");
        Files.writeString(dir.resolve("probe-p1.token"), signer.sign(List.of("user")) + "\n");
        Files.writeString(dir.resolve("probe-p3.token"), signer.sign(List.of("user")) + "\n");
        writeTokens(dir.resolve("warmup.tokens"), warmup, signer);
        writeTokens(dir.resolve("p1.tokens"), p1, signer);
        writeTokens(dir.resolve("p3.tokens"), p3, signer);
        String summary = String.format("signed %d access tokens (RS256, kid %s, one fresh user each) in %.1f s",
                warmup + p1 + p3 + 3, key.getKeyId(), (System.nanoTime() - t0) / 1e9);
        writeAtomically(dir.resolve("tokens.done"), summary + "\n");
        System.out.println(summary);
        if (port != null) {
            Thread.currentThread().join(); // keep serving the JWKS until killed
        }
    }

    private static void writeAtomically(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeTokens(Path file, int count, Signer signer) throws Exception {
        List<String> tokens = IntStream.range(0, count).parallel().mapToObj(i -> signer.sign(List.of("user"))).toList();
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (String t : tokens) {
                w.write(t);
                w.write('\n');
            }
        }
    }

    /** Access tokens shaped like auth-svc's: iss, aud, sub (a fresh user), upn, groups, iat, exp, jti; kid header. */
    private record Signer(RsaJsonWebKey key, String issuer, String audience) {
        String sign(List<String> groups) {
            try {
                String user = UUID.randomUUID().toString();
                JwtClaims claims = new JwtClaims();
                claims.setIssuer(issuer);
                claims.setAudience(audience);
                claims.setSubject(user);
                claims.setClaim("upn", user + "@bench.ticketing.local");
                claims.setStringListClaim("groups", groups);
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

    // ---- Kafka --------------------------------------------------------------------------------------------------

    private static void topics(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            for (String topic : List.of("performance-events", "booking-events")) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())))
                            .all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static void publish(String bootstrap, String type, String performanceId, long version) throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String eventId = UUID.randomUUID().toString();
        String json;
        if (type.equals("PerformanceUpserted")) {
            String show = now.plusDays(30).toString();
            json = String.format("{\"eventId\":\"%s\",\"type\":\"PerformanceUpserted\",\"schemaVersion\":1,"
                            + "\"occurredAt\":\"%s\",\"performanceId\":\"%s\",\"version\":%d,"
                            + "\"title\":\"queue-bench %s\",\"description\":\"waiting-room benchmark (throwaway)\","
                            + "\"venue\":\"bench\",\"category\":\"CONCERT\","
                            + "\"showtimes\":[{\"showtimeId\":\"%s-s1\",\"startsAt\":\"%s\"}],"
                            + "\"firstShowAt\":\"%s\",\"lastShowAt\":\"%s\"}",
                    eventId, now, performanceId, version, performanceId, performanceId, show, show, show);
        } else if (type.equals("PerformanceDeleted")) {
            json = String.format("{\"eventId\":\"%s\",\"type\":\"PerformanceDeleted\",\"schemaVersion\":1,"
                    + "\"occurredAt\":\"%s\",\"performanceId\":\"%s\",\"version\":%d}", eventId, now, performanceId, version);
        } else {
            throw new IllegalArgumentException("type: PerformanceUpserted or PerformanceDeleted");
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("performance-events", performanceId, json)).get(30, TimeUnit.SECONDS);
        }
        System.out.println("published " + type + " " + performanceId + " v" + version + " " + eventId);
    }
}
