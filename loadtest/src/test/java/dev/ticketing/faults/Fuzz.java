package dev.ticketing.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ticketing.loadtest.Api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Hostile input against every public endpoint through the gateway: malformed JSON, wrong types, huge bodies, unicode,
 * negative and overflowing numbers, SQL and search-query injection, path traversal, missing/forged/alg=none tokens,
 * another fan's ids and admission token, and WebSocket garbage. Every answer must be below 500, every refusal
 * application/problem+json, and a refused request must leave the platform's state exactly as it was (compared
 * after every refused write through a digest of the databases and of the waiting room as fans see it).
 */
public final class Fuzz {

    record Endpoint(String method, String path, boolean user, Supplier<String> body, String headerName) {
    }

    private final FaultParams p;
    private final Http http;
    private final Random rnd = new Random(20261126L);
    private final List<String> breaches = new ArrayList<>();
    private final Map<String, Long> statuses = new TreeMap<>();
    private long sent;
    private long refusedWrites;
    private long acceptedWrites;
    private Api.Fan a;
    private Api.Fan b;
    private Api.Fan decoy;
    private String admin;
    private String perfId;
    private String showtimeId;
    private String seatA;
    private String orderA;
    private String admissionA;
    private String admissionB;
    private String refreshA;
    private String forged;
    private String expired;
    private String wrongAudience;
    private String algNone;
    private String digest;
    private final Map<String, Connection> dbs = new java.util.HashMap<>();
    private final FaultChecker lag;
    private final Faults faults;

    Fuzz(FaultParams p) {
        this.p = p;
        this.http = new Http(p.baseUrl());
        this.lag = new FaultChecker(p);
        this.faults = new Faults(p);
    }

    public static void main(String[] args) throws Exception {
        System.exit(new Fuzz(FaultParams.fromSystem()).run());
    }

    int run() throws Exception {
        Files.createDirectories(p.reportDir());
        setUp();
        List<Endpoint> endpoints = endpoints();
        digest = quietDigest();
        long t0 = System.currentTimeMillis();
        int wsRounds = 0;
        long nextProgress = 2000;
        while (sent < p.fuzzRequests()) {
            Endpoint e = endpoints.get(rnd.nextInt(endpoints.size()));
            fuzzOnce(e);
            if (sent / 500 > wsRounds) {
                wsRounds++;
                webSocketGarbage();
                digest = digest(); // a socket without a ticket enters the room: an accepted change
            }
            if (sent >= nextProgress) {
                nextProgress += 2000;
                System.out.printf("[fuzz] %d requests, %d refused writes checked, %d breaches (%d s)%n", sent, refusedWrites,
                        breaches.size(), (System.currentTimeMillis() - t0) / 1000);
            }
        }
        StringBuilder r = new StringBuilder();
        r.append(String.format("Fuzz run — %d requests (%d WebSocket sessions) against %s in %d s%n", sent, wsRounds,
                p.baseUrl(), (System.currentTimeMillis() - t0) / 1000));
        r.append(String.format("answers by status: %s%n", statuses));
        r.append(String.format("refused writes whose state was checked: %d; accepted writes (re-baselined): %d%n",
                refusedWrites, acceptedWrites));
        r.append(String.format("breaches: %d%n", breaches.size()));
        breaches.stream().limit(50).forEach(x -> r.append("  BREACH ").append(x).append('\n'));
        r.append(breaches.isEmpty() ? "RESULT: PASS — 0 5xx, every refusal problem+json, no state changed by a refusal\n"
                : "RESULT: FAIL\n");
        System.out.print(r);
        Files.writeString(p.reportDir().resolve("fuzz-report.txt"), r.toString());
        return breaches.isEmpty() ? 0 : 1;
    }

    // ---- the cast: two fans, one performance, A with a confirmed order ----------------------------------------

    private void setUp() throws Exception {
        Api api = new Api(p.baseUrl());
        admin = api.login(FaultParams.env("TICKETING_ADMIN_EMAIL", "admin@ticketing.local"),
                dev.ticketing.loadtest.Params.adminPasswordFromEnvOrStack());
        Api.Created sale = api.createOnSale(admin, 20, 1000, 3600);
        perfId = sale.performanceId();
        showtimeId = sale.showtimeId();
        // fresh fans per run: the fuzz's wrong passwords lock its decoy account (C) for 15 minutes, as they should
        List<Api.Fan> fans = api.fans("fuzz" + System.currentTimeMillis() / 1000, 3, 3);
        if (fans.size() < 3) {
            throw new IllegalStateException("the fuzz fans could not sign up");
        }
        a = fans.get(0);
        b = fans.get(1);
        decoy = fans.get(2);
        admissionA = admit(a);
        admissionB = admit(b);
        Map<String, Long> dlqBefore = faults.deadLetterOffsets();
        poisonEvents();
        strangerCannotLockTheOwnerOut(a);
        pagingOverflow();
        JsonNode seats = http.once("GET", "/api/showtimes/" + showtimeId + "/seats", null, null, Map.of()).json().path("seats");
        seatA = seats.get(0).path("id").asText();
        Http.Answer hold = http.once("POST", "/api/showtimes/" + showtimeId + "/holds", a.token(),
                "{\"seatIds\":[\"" + seatA + "\"]}", Map.of("X-Admission-Token", admissionA));
        Http.Answer order = http.once("POST", "/api/orders", a.token(), "{\"holdId\":\"" + hold.json().path("holdId").asText()
                + "\",\"paymentToken\":\"tok_approve\"}", Map.of("X-Admission-Token", admissionA));
        orderA = order.json().path("orderId").asText();
        Http.Answer login = http.once("POST", "/api/auth/login", null, "{\"email\":\"" + a.email() + "\",\"password\":\""
                + "loadtest-" + a.email().hashCode() + "-pw\"}", Map.of());
        refreshA = login.json().path("refreshToken").asText();
        forged = forge(a.token());
        algNone = algNone(a.token());
        expired = withRealKey(a.token(), "\"exp\":" + (System.currentTimeMillis() / 1000 - 600));
        wrongAudience = withRealKey(a.token(), "\"aud\":\"another-api\"");
        if (Files.exists(p.stateDir().resolve("auth-keys/signing-key.pem"))) {
            // the control: re-signed with nothing wrong it is accepted, so the two above are refused for their claim
            int control = http.once("GET", "/api/auth/me", withRealKey(a.token(), "\"fuzzControl\":true"), null, Map.of()).status();
            if (control != 200) {
                throw new IllegalStateException("a token re-signed with the dev key was refused (" + control + ")");
            }
        }
        admissionEndsWithThePlace(seats.get(1).path("id").asText());
        // The poison records above sat in front of A's order, payment and booking events on every partition; A's
        // booking went through anyway (checked just above). They went to the dead-letter topics, and every channel
        // is still consuming.
        poisonWasDeadLettered(dlqBefore);
        System.out.printf("[fuzz] performance %s, showtime %s, fan A's order %s%n", perfId, showtimeId, orderA);
    }

    /** Topic → the services that consume it (their dead-letter topics are {@code <topic>.<service>.dlq}). */
    private static final Map<String, List<String>> CONSUMERS = Map.of(
            "order-events", List.of("payment-svc"),
            "payment-events", List.of("booking-svc"),
            "booking-events", List.of("queue-svc"),
            "performance-events", List.of("queue-svc", "search-svc"));
    private static final int POISON_PER_PARTITION = 3;

    /**
     * Events no consumer can ever apply, on every partition of every topic: not JSON, no type, and a type the
     * consumer follows with its fields missing. Each must go to the consumer's dead-letter topic and stop nothing.
     */
    private void poisonEvents() throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", p.kafkaBootstrap());
        props.put("acks", "all");
        props.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        props.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
        Map<String, String> followed = Map.of("order-events", "OrderPlaced", "payment-events", "PaymentApproved",
                "booking-events", "BookingCompleted", "performance-events", "PerformanceUpserted");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            for (String topic : CONSUMERS.keySet()) {
                int partitions = producer.partitionsFor(topic).size();
                for (int part = 0; part < partitions; part++) {
                    String id = java.util.UUID.randomUUID().toString();
                    for (String value : List.of("not json {" + id,
                            "{\"eventId\":\"" + id + "\",\"schemaVersion\":1}",
                            "{\"eventId\":\"" + id + "-m\",\"type\":\"" + followed.get(topic) + "\",\"schemaVersion\":1}")) {
                        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, part, "fuzz-" + id, value)).get();
                    }
                }
            }
        }
        System.out.println("[fuzz] poison events sent: not JSON, no type, missing fields, on every partition");
    }

    private void poisonWasDeadLettered(Map<String, Long> before) throws Exception {
        Map<String, Long> expected = new TreeMap<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", p.kafkaBootstrap(),
                "key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
                "value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName()))) {
            CONSUMERS.forEach((topic, services) -> {
                long n = (long) consumer.partitionsFor(topic).size() * POISON_PER_PARTITION;
                services.forEach(svc -> expected.put(topic + "." + svc + ".dlq", n));
            });
        }
        Map<String, Long> now = Map.of();
        for (long until = System.currentTimeMillis() + 120_000; System.currentTimeMillis() < until; Http.sleep(1000)) {
            now = faults.deadLetterOffsets();
            Map<String, Long> current = now;
            if (expected.entrySet().stream().allMatch(e -> current.getOrDefault(e.getKey(), 0L)
                    - before.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                break;
            }
        }
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            long got = now.getOrDefault(e.getKey(), 0L) - before.getOrDefault(e.getKey(), 0L);
            if (got < e.getValue()) {
                breach("poison events not dead-lettered on " + e.getKey() + ": " + got + " of " + e.getValue());
            }
        }
        for (Map.Entry<String, Integer> svc : new TreeMap<>(Faults.PORTS).entrySet()) {
            faults.series(svc.getValue(), "ticketing_messaging_channel_alive").forEach((series, v) -> {
                if (!(v == 1.0)) {
                    breach("a Kafka channel stopped after poison events: " + svc.getKey() + " " + series + " = " + v);
                }
            });
        }
        System.out.printf("[fuzz] poison events dead-lettered: %s%n", expected.keySet());
    }

    /**
     * OWASP: lockout must not be a weapon. A stranger (another client address: 127.0.0.2, on the loopback range)
     * tries wrong passwords for A until the brake answers; A, from A's own client, still logs in.
     */
    private void strangerCannotLockTheOwnerOut(Api.Fan owner) throws Exception {
        java.net.URI base = java.net.URI.create(p.baseUrl());
        int last = 0;
        for (int i = 0; i < 12; i++) {
            last = rawLoginFrom("127.0.0.2", base, owner.email(), "not-the-password-" + i);
            if (last >= 500) {
                breach("a stranger's wrong password answered " + last);
            }
        }
        Http.Answer login = http.once("POST", "/api/auth/login", null, "{\"email\":\"" + owner.email()
                + "\",\"password\":\"loadtest-" + owner.email().hashCode() + "-pw\"}", Map.of());
        if (login.status() != 200) {
            breach("a stranger's 12 wrong passwords locked the owner out: owner's login answered " + login.status());
        }
        System.out.printf("[fuzz] stranger lockout: the stranger's 12th attempt %d, the owner's login %d%n", last, login.status());
    }

    /** POST /api/auth/login over a socket bound to {@code from} (java.net.http cannot choose a source address). */
    private static int rawLoginFrom(String from, java.net.URI base, String email, String password) throws Exception {
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}";
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(from, 0));
            s.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5000);
            s.setSoTimeout(30_000);
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String head = "POST /api/auth/login HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return status == null ? -1 : Integer.parseInt(status.split(" ")[1]);
        }
    }

    /** Paging past every limit: a 4xx or an empty page, never a 5xx, never the engine's own error text. */
    private void pagingOverflow() {
        for (String q : List.of("page=2147483647", "page=2147483647&size=10", "size=2147483647", "page=-1",
                "page=99999999999999999999", "page=1&size=0", "page=429496729&size=10")) {
            Http.Answer a = http.once("GET", "/api/search/performances?q=a&" + q, null, null, Map.of());
            String body = a.body() == null ? "" : a.body().toLowerCase(java.util.Locale.ROOT);
            if (a.status() >= 500 || body.contains("opensearch") || body.contains("exception")
                    || body.contains("result window") || body.contains("search_phase")) {
                breach("paging overflow " + q + " answered " + a.status() + ": " + a.body());
            }
        }
        System.out.println("[fuzz] paging overflow: no 5xx, no engine text");
    }

    /**
     * An admission lasts only as long as the place (docs/architecture.md): once A's booking completed (the order above,
     * tok_approve, reaches CONFIRMED and BookingCompleted reaches queue-svc) A's token no longer holds seats nor places
     * orders; once B leaves, B's neither. B is then admitted again with a new token for the fuzz.
     */
    private void admissionEndsWithThePlace(String seat) {
        String body = "{\"seatIds\":[\"" + seat + "\"]}";
        String holds = "/api/showtimes/" + showtimeId + "/holds";
        int status = 0;
        for (long until = System.currentTimeMillis() + 90_000; System.currentTimeMillis() < until; Http.sleep(500)) {
            Http.Answer h = http.once("POST", holds, a.token(), body, Map.of("X-Admission-Token", admissionA));
            status = h.status();
            if (status == 201) { // not ended yet (payment or the event still on the way): give the seat back, try again
                http.once("DELETE", holds + "/" + h.json().path("holdId").asText(), a.token(), null, Map.of());
            } else if (status == 403) {
                break;
            }
        }
        if (status != 403) {
            breach("admission outlived a completed booking: a hold with the old token answered " + status);
        }
        http.once("DELETE", "/api/queues/" + perfId + "/entries/me", b.token(), null, Map.of());
        int afterLeave = http.once("POST", holds, b.token(), body, Map.of("X-Admission-Token", admissionB)).status();
        if (afterLeave != 403) {
            breach("admission outlived leaving the room: a hold with the old token answered " + afterLeave);
        }
        String old = admissionB;
        admissionB = admit(b);
        if (admissionB.equals(old)) {
            breach("a fan admitted again got the old admission token back");
        }
        System.out.printf("[fuzz] admission ends with the place: completed booking %d, after leaving %d%n", status, afterLeave);
    }

    private String admit(Api.Fan f) {
        Http.Answer e = http.call("POST", "/api/queues/" + perfId + "/entries", f.token(), null);
        for (int i = 0; e.status() == 404 && i < 60; i++) { // the room opens once queue-svc has the performance event
            Http.sleep(1000);
            e = http.call("POST", "/api/queues/" + perfId + "/entries", f.token(), null);
        }
        String token = e.json().path("admissionToken").asText(null);
        Http.Answer me = e;
        for (int i = 0; token == null && i < 60; i++) {
            Http.sleep(500);
            me = http.once("GET", "/api/queues/" + perfId + "/entries/me", f.token(), null, Map.of());
            token = me.json().path("admissionToken").asText(null);
        }
        if (token == null) {
            throw new IllegalStateException("fan not admitted to the fuzz room: enter " + e.status() + " " + e.body()
                    + ", last status " + me.status() + " " + me.body());
        }
        return token;
    }

    // ---- the endpoints (the public contract) and their valid bodies -------------------------------------------

    private List<Endpoint> endpoints() {
        String perf = "{\"title\":\"퍼징 공연\",\"description\":\"d\",\"venue\":\"v\",\"category\":\"concert\",\"showtimes\":[{\"startsAt\":\"2031-01-01T10:00:00Z\",\"sections\":[{\"name\":\"R\",\"rows\":1,\"seatsPerRow\":2,\"price\":1000}]}]}";
        return List.of(
                new Endpoint("POST", "/api/auth/signup", false, () -> "{\"email\":\"" + a.email() + "\",\"password\":\"x\",\"name\":\"n\"}", null),
                new Endpoint("POST", "/api/auth/login", false, () -> "{\"email\":\"" + decoy.email() + "\",\"password\":\"wrong-password\"}", null),
                new Endpoint("POST", "/api/auth/refresh", false, () -> "{\"refreshToken\":\"" + refreshA + "x\"}", null),
                new Endpoint("GET", "/api/auth/me", true, null, null),
                new Endpoint("GET", "/api/auth/jwks", false, null, null),
                new Endpoint("GET", "/api/search/performances?q={q}&page={n}&size={n}", false, null, null),
                new Endpoint("GET", "/api/search/suggest?q={q}", false, null, null),
                new Endpoint("POST", "/api/search/admin/rebuild", true, null, null),
                new Endpoint("GET", "/api/performances?page={n}&size={n}", false, null, null),
                new Endpoint("GET", "/api/performances/{perf}", false, null, null),
                new Endpoint("POST", "/api/performances", true, () -> perf, null),
                new Endpoint("PUT", "/api/performances/{perf}", true, () -> perf, null),
                new Endpoint("DELETE", "/api/performances/{perf}", true, null, null),
                new Endpoint("GET", "/api/showtimes/{showtime}/seats", false, null, null),
                new Endpoint("POST", "/api/showtimes/{showtime}/holds", true, () -> "{\"seatIds\":[\"" + seatA + "\"]}", "X-Admission-Token"),
                new Endpoint("DELETE", "/api/showtimes/{showtime}/holds/{id}", true, null, null),
                new Endpoint("POST", "/api/orders", true, () -> "{\"holdId\":\"" + java.util.UUID.randomUUID() + "\",\"paymentToken\":\"tok_approve\"}", "X-Admission-Token"),
                new Endpoint("GET", "/api/orders", true, null, null),
                new Endpoint("GET", "/api/orders/{order}", true, null, null),
                new Endpoint("POST", "/api/orders/{order}/cancel", true, null, null),
                new Endpoint("GET", "/api/payments/{order}", true, null, null),
                new Endpoint("POST", "/api/queues/{perf}/entries", true, null, null),
                new Endpoint("GET", "/api/queues/{perf}/entries/me", true, null, null),
                new Endpoint("DELETE", "/api/queues/{perf}/entries/me", true, null, null),
                new Endpoint("PUT", "/api/queues/{perf}/config", true, () -> "{\"capacity\":1000,\"sessionTtlSeconds\":3600}", null),
                new Endpoint("GET", "/api/queues/{perf}/config", true, null, null),
                new Endpoint("GET", "/api/queues/{perf}/audit", true, null, null),
                new Endpoint("GET", "/api/queues/.well-known/jwks.json", false, null, null));
    }

    // ---- mutations ---------------------------------------------------------------------------------------------

    static final String[] NASTY = {"' OR '1'='1", "1; DROP TABLE seat;--", "\" OR \"\"=\"", "%27%20OR%201%3D1--",
            "../../../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f", "..\\..\\windows", "%00", "\u0000",
            "레미제라블'; --", "😀🎫", "\u202Eevil", "\u200B", "ﾠ", "a".repeat(5000), "{\"query\":{\"match_all\":{}}}",
            "*:*", "title:(a OR b)^99", "\\", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "{{7*7}}", "%s%n%x",
            "-1", "0", "2147483648", "9223372036854775808", "1e309", "-0", "NaN", "null", "true", "[]", "{}"};
    static final String[] NUMBERS = {"-1", "0", "-2147483649", "2147483648", "9223372036854775808",
            "-9223372036854775809", "1e309", "1.5", "-0", "\"12\"", "null", "true", "[]", "{}", "\"\"", "99999999999999999999999"};

    private void fuzzOnce(Endpoint e) {
        int kind = rnd.nextInt(10);
        String token = e.user() ? a.token() : null;
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.headerName() != null) {
            headers.put(e.headerName(), admissionA);
        }
        String path = fill(e.path(), kind == 1);
        String body = e.body() == null ? null : e.body().get();
        String contentType = null;
        String label;
        switch (kind) {
            case 0 -> { // identity: none, garbage, forged by a foreign key, alg=none, the other fan
                String[] t = {null, "garbage", forged, algNone, b.token(), a.token() + "x", "", expired, wrongAudience};
                token = t[rnd.nextInt(t.length)];
                label = "token";
            }
            case 1 -> label = "path";
            case 2 -> { // another fan's admission token, a forged one, garbage
                String[] t = {admissionB, forge(admissionA), "x".repeat(rnd.nextInt(3000)), "", algNone};
                headers.put("X-Admission-Token", t[rnd.nextInt(t.length)]);
                label = "admission";
            }
            case 3 -> {
                body = malformed(body);
                label = "malformed";
            }
            case 4 -> {
                body = wrongTypes(body == null ? "{\"x\":1}" : body);
                label = "types";
            }
            case 5 -> {
                body = huge();
                label = "huge";
            }
            case 6 -> {
                contentType = new String[]{"text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data"}[rnd.nextInt(4)];
                label = "content-type";
            }
            case 7 -> { // someone else's resources: fan B acting on A's order, hold, place
                token = b.token();
                headers.put("X-Admission-Token", admissionB);
                label = "other-user";
            }
            default -> {
                body = body == null ? null : unicode(body);
                label = "unicode";
            }
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        String method = rnd.nextInt(40) == 0 ? new String[]{"PATCH", "TRACE", "OPTIONS", "PUT", "HEAD"}[rnd.nextInt(5)] : e.method();
        send(method, path, token, body, headers, label + " " + e.method() + " " + e.path());
    }

    private String fill(String template, boolean nasty) {
        String s = template;
        for (String var : List.of("{perf}", "{showtime}", "{order}", "{id}", "{q}", "{n}")) {
            while (s.contains(var)) {
                String v = switch (var) {
                    case "{perf}" -> nasty ? pathNasty() : perfId;
                    case "{showtime}" -> nasty ? pathNasty() : showtimeId;
                    case "{order}" -> nasty ? pathNasty() : orderA;
                    case "{id}" -> nasty ? pathNasty() : java.util.UUID.randomUUID().toString();
                    case "{q}" -> URLEncoder.encode(NASTY[rnd.nextInt(NASTY.length)], StandardCharsets.UTF_8);
                    default -> URLEncoder.encode(NUMBERS[rnd.nextInt(NUMBERS.length)].replace("\"", ""), StandardCharsets.UTF_8);
                };
                s = s.replaceFirst(java.util.regex.Pattern.quote(var), java.util.regex.Matcher.quoteReplacement(v));
            }
        }
        return s;
    }

    private String pathNasty() {
        String[] p = {"..", "%2e%2e", "..%2f..%2f", "%00", "%27%20OR%201%3D1--", "00000000-0000-0000-0000-000000000000", "-1",
                "99999999999999999999", "%F0%9F%98%80", "%ED%A0%80", "x".repeat(3000), "%25", "a%20b", ";", "*", "%0d%0aSet-Cookie:x=1"};
        return p[rnd.nextInt(p.length)];
    }

    private String malformed(String body) {
        String base = body == null ? "{\"a\":1}" : body;
        String[] m = {base.substring(0, base.length() / 2), "{", "[", "", "null", "\"str\"", "42", "[]", "{\"a\":}",
                base + "}", base.replaceFirst(":", ""), "{'single':'quotes'}", "\u0000" + base, "[".repeat(5000),
                "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}", base.replace("\"", "")};
        return m[rnd.nextInt(m.length)];
    }

    /** Replaces one JSON value (string, number, array) of the valid body with a value of another type. */
    private String wrongTypes(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\"[^\"]*\"|-?\\d+|\\[[^\\]]*\\])").matcher(body);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[]{m.start(1), m.end(1)});
        }
        if (spans.isEmpty()) {
            return body;
        }
        int[] s = spans.get(rnd.nextInt(spans.size()));
        String[] values = {NUMBERS[rnd.nextInt(NUMBERS.length)], "\"" + NASTY[rnd.nextInt(NASTY.length)].replace("\\", "\\\\").replace("\"", "\\\"") + "\"",
                "[1,2,3]", "{\"nested\":{\"deep\":true}}", "null", "true", "\"" + "x".repeat(100_000) + "\""};
        return body.substring(0, s[0]) + values[rnd.nextInt(values.length)] + body.substring(s[1]);
    }

    private String huge() {
        // just under the edge's 1 MiB limit (the services must refuse it themselves) and well over it
        int size = new int[]{900_000, 1 << 20, 5 << 20, 12 << 20}[rnd.nextInt(4)];
        return rnd.nextBoolean() ? "{\"seatIds\":[" + "\"x\",".repeat(size / 4) + "\"x\"]}" : "{\"title\":\"" + "가".repeat(size / 3) + "\"}";
    }

    private String unicode(String body) {
        String[] u = {"😀", "\u202E", "\u200B", "\uFEFF", "\\u0000", "\\ud800", "가나다", "é", "\u0085", "\\u001f"};
        return body.replaceFirst("\"([^\"]*)\"(?=\\s*[,}])", "\"$1" + u[rnd.nextInt(u.length)] + "\"");
    }

    // ---- sending and judging -----------------------------------------------------------------------------------

    private void send(String method, String path, String token, String body, Map<String, String> headers, String label) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        String ct = h.remove("Content-Type");
        Http.Answer r;
        if (ct != null && body != null) {
            r = http.onceWithType(method, path, token, body, h, ct);
        } else {
            r = http.once(method, path, token, body, h);
        }
        sent++;
        statuses.merge(Integer.toString(r.status()), 1L, Long::sum);
        String what = method + " " + path.substring(0, Math.min(path.length(), 120)) + " [" + label + "]";
        if (r.status() == 0) {
            breach("no answer: " + what + " " + Http.abbreviate(r.body()));
            return;
        }
        if (r.status() >= 500) {
            breach(r.status() + ": " + what + " " + Http.abbreviate(r.body()));
        } else if (r.status() >= 400 && !"HEAD".equals(method) && !r.contentType().startsWith("application/problem+json")) {
            breach(r.status() + " not problem+json (" + r.contentType() + "): " + what + " " + Http.abbreviate(r.body()));
        }
        boolean write = !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
        if (!write) {
            return;
        }
        if (r.status() >= 400) {
            refusedWrites++;
            String after = digest();
            if (!after.equals(digest)) {
                breach("state changed by a refused request (" + r.status() + "): " + what + " — " + diff(digest, after));
                digest = quietDigest();
            }
        } else {
            acceptedWrites++;
            // A hold that got through is released at once: left alone, its lapse (and the BookingAbandoned that
            // frees the fan's place in the room) would land later, on some unrelated refused request.
            String holdId = r.status() == 201 && path.contains("/holds") ? r.json().path("holdId").asText("") : "";
            if (!holdId.isEmpty()) {
                http.once("DELETE", "/api/showtimes/" + showtimeId + "/holds/" + holdId, token, null, Map.of());
            }
            // entering or leaving the room is one synchronous Redis script; anything else may start events
            digest = path.contains("/entries") ? digest() : quietDigest();
        }
    }

    /** The waiting-room socket's subprotocol offer: the carrier, then the entry carrying the header (URL-encoded). */
    private static WebSocket.Builder offering(HttpClient client, String carrierEntry) {
        return client.newWebSocketBuilder().subprotocols(WS_CARRIER,
                URLEncoder.encode(carrierEntry, StandardCharsets.UTF_8));
    }

    private static final String WS_CARRIER = "bearer-token-carrier";

    private void webSocketGarbage() {
        HttpClient client = HttpClient.newHttpClient();
        String base = p.baseUrl().replaceFirst("^http", "ws") + "/api/queues/" + perfId + "/ws";
        // Refused at the handshake with 401: bad tokens in the subprotocol carrier, malformed carriers, no token at
        // all, and a good token in the URL (the removed ?access_token= form is no credential any more).
        record Refused(String what, Supplier<WebSocket.Builder> builder, String query) {
        }
        List<Refused> cases = new ArrayList<>();
        for (String t : new String[]{forged, algNone, expired, wrongAudience, "garbage", ""}) {
            cases.add(new Refused("carrier " + t.substring(0, Math.min(20, t.length())),
                    () -> offering(client, "quarkus-http-upgrade#Authorization#Bearer " + t), ""));
        }
        cases.add(new Refused("carrier without a value", () -> offering(client, "quarkus-http-upgrade#Authorization"), ""));
        cases.add(new Refused("carrier with four parts",
                () -> offering(client, "quarkus-http-upgrade#Authorization#Bearer " + a.token() + "#x"), ""));
        cases.add(new Refused("carrier with Basic", () -> offering(client, "quarkus-http-upgrade#Authorization#Basic "
                + Base64.getEncoder().encodeToString("a@b.c:pw".getBytes(StandardCharsets.UTF_8))), ""));
        cases.add(new Refused("carrier with a bad escape", () -> client.newWebSocketBuilder().subprotocols(WS_CARRIER,
                "quarkus-http-upgrade%ZZAuthorization%23Bearer%20" + a.token()), ""));
        cases.add(new Refused("carrier protocol alone", () -> client.newWebSocketBuilder().subprotocols(WS_CARRIER), ""));
        cases.add(new Refused("no token", client::newWebSocketBuilder, ""));
        String urlToken = "?access_token=" + URLEncoder.encode(a.token(), StandardCharsets.UTF_8);
        cases.add(new Refused("good token in the URL", client::newWebSocketBuilder, urlToken));
        cases.add(new Refused("good token in the URL, carrier protocol alone",
                () -> client.newWebSocketBuilder().subprotocols(WS_CARRIER), urlToken));
        for (Refused c : cases) {
            sent++;
            try {
                WebSocket ws = c.builder().get().buildAsync(URI.create(base + c.query()), new WebSocket.Listener() { })
                        .get(10, TimeUnit.SECONDS);
                ws.abort();
                breach("WebSocket accepted: " + c.what());
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException h) {
                    int st = h.getResponse().statusCode();
                    statuses.merge("ws-" + st, 1L, Long::sum);
                    if (st != 401) {
                        breach("WebSocket handshake " + st + " (expected 401): " + c.what());
                    }
                } else {
                    breach("WebSocket handshake failed without an answer (" + c.what() + "): " + e.getCause());
                }
            } catch (Exception e) {
                breach("WebSocket handshake (" + c.what() + "): " + e);
            }
        }
        sent++;
        WebSocket ws;
        try {
            ws = offering(client, "quarkus-http-upgrade#Authorization#Bearer " + a.token())
                    .buildAsync(URI.create(base), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            breach("a signed-in fan's WebSocket was refused: " + (e.getCause() instanceof WebSocketHandshakeException h
                    ? "HTTP " + h.getResponse().statusCode() : e.getCause()));
            return;
        } catch (Exception e) {
            breach("a signed-in fan's WebSocket handshake: " + e);
            return;
        }
        if (!WS_CARRIER.equals(ws.getSubprotocol())) { // a browser fails the handshake without it
            breach("the WebSocket handshake selected subprotocol '" + ws.getSubprotocol() + "', not " + WS_CARRIER);
        }
        try { // a signed-in fan's socket fed garbage: ignored or closed, never a crash, and the place is kept
        byte[] junk = new byte[4096];
            rnd.nextBytes(junk);
            ws.sendText("{\"type\":", true).get(5, TimeUnit.SECONDS);
            ws.sendText("x".repeat(200_000), true).get(5, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(junk), true).get(5, TimeUnit.SECONDS);
            ws.sendText(new String(junk, StandardCharsets.ISO_8859_1), true).get(5, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (CompletionException | java.util.concurrent.ExecutionException e) {
            // the server may close a socket that sends garbage: that is a refusal, not a failure
        } catch (Exception e) {
            breach("WebSocket garbage: " + e);
        }
        statuses.merge("ws-garbage", 1L, Long::sum);
        Http.Answer me = http.once("GET", "/api/queues/" + perfId + "/entries/me", a.token(), null, Map.of());
        if (me.status() != 200) {
            breach("fan A's place was lost after WebSocket garbage: " + me.status());
        }
    }

    private void breach(String what) {
        breaches.add(what);
        if (breaches.size() <= 30) {
            System.out.println("[fuzz] BREACH " + what);
        }
    }

    // ---- state digest ------------------------------------------------------------------------------------------

    /**
     * The digest once the background work an accepted write started has finished: events relayed and consumed by
     * every group (a completed or abandoned booking frees the fan's place in the waiting room), payments settled,
     * and two equal readings 1 s apart.
     */
    private String quietDigest() {
        String d = digest();
        for (int i = 0; i < 60; i++) {
            Http.sleep(1000);
            String again = digest();
            if (again.equals(d) && pipelineIdle() && lag.consumerLag().isEmpty()) {
                return d;
            }
            d = again;
        }
        return d;
    }

    /**
     * The platform's state as its owners define it: accounts and refresh tokens, the catalog, seats and holds, orders,
     * payments, and both fans' places in the waiting room.
     */
    private String digest() {
        // Scoped to the fuzz's own performance and fans, plus the totals a refused create would raise: data left
        // in flight by an earlier, interrupted run must not read as a change made by a refused request.
        String fans = "'" + a.email() + "','" + b.email() + "','" + decoy.email() + "'";
        String users = "'" + subject(a.token()) + "','" + subject(b.token()) + "'";
        StringBuilder d = new StringBuilder();
        d.append("auth=").append(sql("auth", "select md5((select count(*) from account)::text"
                + " || coalesce((select string_agg(t::text, ',' order by t::text) from account t where email in (" + fans + ")), '')"
                + " || coalesce((select string_agg(r::text, ',' order by r::text) from refresh_token r join account t"
                + " on t.id = r.account_id where t.email in (" + fans + ")), ''))"));
        // Time alone must not change the digest: a live hold and a lapsed one read the same (the sweeper's release
        // too), while a new hold still shows as a new row and a sale as the seat's order.
        d.append(" performance=").append(sql("booking", "select md5((select count(*) from performance)::text"
                + " || coalesce((select string_agg(t::text, ',' order by t::text) from performance t where id = '" + perfId + "'), '')"
                + " || coalesce((select string_agg(t::text, ',' order by t::text) from showtime t where performance_id = '" + perfId + "'), ''))"));
        d.append(" seat=").append(sql("booking", "select md5(coalesce(string_agg(id::text || ':' || case when status = 'HELD'"
                + " then 'AVAILABLE' else status end || ':' || coalesce(order_id::text, ''), ',' order by id), ''))"
                + " from seat where showtime_id = '" + showtimeId + "'"));
        d.append(" hold=").append(sql("booking", "select md5(coalesce(string_agg(id::text || ':' || case when status = 'ACTIVE'"
                + " then 'EXPIRED' else status end, ',' order by id), '')) from seat_hold"
                + " where showtime_id = '" + showtimeId + "' or user_id in (" + users + ")"));
        d.append(" order=").append(sql("booking", "select md5(coalesce(string_agg(id::text || ':' || status, ',' order by id), ''))"
                + " from booking_order where showtime_id = '" + showtimeId + "' or user_id in (" + users + ")"));
        d.append(" payment=").append(sql("payment", "select md5(coalesce(string_agg(order_id || ':' || status, ','"
                + " order by order_id), '')) from payment where user_id in (" + users + ")"));
        for (Api.Fan f : new Api.Fan[]{a, b}) {
            JsonNode me = http.once("GET", "/api/queues/" + perfId + "/entries/me", f.token(), null, Map.of()).json();
            d.append(" queue=").append(me.path("status").asText()).append('/').append(me.path("position").asText());
        }
        return d.toString();
    }

    private static String subject(String jwt) {
        try {
            return Http.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).path("sub").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String diff(String before, String after) {
        String[] x = before.split(" ");
        String[] y = after.split(" ");
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!x[i].equals(y[i])) {
                changed.add(x[i].replaceAll("=.*", "") + ": " + x[i].replaceAll(".*=", "") + " -> " + y[i].replaceAll(".*=", ""));
            }
        }
        return String.join("; ", changed);
    }

    private String sql(String db, String query) {
        try {
            Connection c = dbs.get(db);
            if (c == null || c.isClosed()) {
                String url = "jdbc:postgresql://" + FaultParams.env("TICKETING_PG_HOST", "127.0.0.1") + ":"
                        + FaultParams.env("TICKETING_PG_PORT", "5432") + "/" + db;
                c = DriverManager.getConnection(url, FaultParams.env("TICKETING_PG_USER", "postgres"),
                        FaultParams.env("TICKETING_PG_PASSWORD", ""));
                dbs.put(db, c);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
                rs.next();
                return rs.getString(1);
            }
        } catch (Exception e) {
            dbs.remove(db);
            return "unreadable:" + e.getMessage();
        }
    }

    /** Nothing of the fuzz's left in flight: both outboxes relayed, no order or payment of its fans unsettled. */
    private boolean pipelineIdle() {
        String users = "'" + subject(a.token()) + "','" + subject(b.token()) + "'";
        return "0".equals(sql("booking", "select count(*) from outbox_event where published_at is null"))
                && "0".equals(sql("payment", "select count(*) from outbox_event where published_at is null"))
                && "0".equals(sql("booking", "select count(*) from booking_order where status = 'PENDING' and user_id in (" + users + ")"))
                && "0".equals(sql("payment", "select count(*) from payment where status in ('PENDING','PROCESSING','REFUNDING')"
                        + " and user_id in (" + users + ")"));
    }

    // ---- tokens no one should accept ---------------------------------------------------------------------------

    /** The same header and claims, signed by a key that is not the issuer's (same kid). */
    private static String forge(String jwt) {
        try {
            String[] parts = jwt.split("\\.");
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(kp.getPrivate());
            sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A token signed with auth-svc's real signing key but with one claim changed (expired, or for another audience):
     * the local stack keeps its dev key in .devstack/auth-keys. Without the key file, the forged token stands in.
     */
    private String withRealKey(String jwt, String claim) {
        try {
            java.nio.file.Path pem = p.stateDir().resolve("auth-keys/signing-key.pem");
            if (!Files.exists(pem)) {
                return forged;
            }
            String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
            String[] parts = jwt.split("\\.");
            com.fasterxml.jackson.databind.node.ObjectNode claims = (com.fasterxml.jackson.databind.node.ObjectNode)
                    Http.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            claims.setAll((com.fasterxml.jackson.databind.node.ObjectNode) Http.JSON.readTree("{" + claim + "}"));
            String body = Base64.getUrlEncoder().withoutPadding().encodeToString(Http.JSON.writeValueAsBytes(claims));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update((parts[0] + "." + body).getBytes(StandardCharsets.US_ASCII));
            return parts[0] + "." + body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign with the dev key", e);
        }
    }

    private static String algNone(String jwt) {
        String[] parts = jwt.split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + parts[1] + ".";
    }
}
