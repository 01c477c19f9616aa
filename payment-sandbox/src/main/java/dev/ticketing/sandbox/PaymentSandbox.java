package dev.ticketing.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payment sandbox as an HTTP server on the JDK's {@code com.sun.net.httpserver}.
 *
 * <p>Provider API (Toss Payments v1 shape, Basic auth with {@code secretKey + ":"}):
 * <pre>
 * POST /v1/payments/confirm              {paymentKey, orderId, amount}   200 Payment | 4xx/5xx {code, message}
 * GET  /v1/payments/{paymentKey}                                         200 Payment | 404 NOT_FOUND_PAYMENT
 * GET  /v1/payments/orders/{orderId}                                     200 Payment | 404 NOT_FOUND_PAYMENT
 * POST /v1/payments/{paymentKey}/cancel  {cancelReason, cancelAmount?}   200 Payment
 * </pre>
 * The confirm's {@code paymentKey} is a test card ({@code tok_approve}, {@code tok_decline}, {@code tok_slow},
 * {@code tok_late}, {@code tok_error}, optionally with a suffix). Because every order of the platform may use the same test card,
 * the sandbox issues a unique {@code paymentKey} per payment (as Toss' checkout does) and returns it in the Payment;
 * clients must use the returned key for lookups and cancels.
 *
 * <p>Sandbox controls (no auth, test and local use only):
 * <pre>
 * GET  /sandbox/ledger[?orderId=]        {entries: [{sequence, kind: CAPTURE|REFUND, orderId, paymentKey, amount, at}]}
 * GET  /sandbox/orders/{orderId}         {orderId, confirmRequests, cancelRequests, statusRequests, captures, refunds}
 * POST /sandbox/faults                   {orderId, failures}  the next N provider calls for that order answer 500
 * PUT  /sandbox/settings                 {slowDelayMillis?, lateDelayMillis?}  how long tok_slow takes; how long
 *                                        tok_late (a late success) stays unanswered and invisible before it captures
 * PUT  /sandbox/chaos                    {errorRate, slowRate, slowMillis, lostAnswerRate, lateSuccessRate}
 *                                        random provider faults
 * GET  /sandbox/chaos                    the chaos settings and how many of each fault were injected
 * GET  /sandbox/concurrency              {confirmsInFlight, maxConfirmsInFlight}  confirms being processed now, and
 *                                        the most at once since the start or the last reset
 * DELETE /sandbox/concurrency            resets maxConfirmsInFlight to the confirms in flight now
 * </pre>
 */
public final class PaymentSandbox implements AutoCloseable {

    public static final String DEFAULT_SECRET_KEY = "test_sk_sandbox";
    public static final int DEFAULT_PORT = 8086;
    public static final Duration DEFAULT_SLOW_DELAY = Duration.ofSeconds(10);

    private static final Pattern PAYMENT_KEY = Pattern.compile("^/v1/payments/([^/]+)$");
    private static final Pattern BY_ORDER = Pattern.compile("^/v1/payments/orders/([^/]+)$");
    private static final Pattern CANCEL = Pattern.compile("^/v1/payments/([^/]+)/cancel$");
    private static final Pattern SANDBOX_ORDER = Pattern.compile("^/sandbox/orders/([^/]+)$");

    private final ObjectMapper json = new ObjectMapper();
    private final SandboxProvider provider;
    private final IdempotencyStore idempotency = new IdempotencyStore();
    private final Chaos chaos = new Chaos();
    private final String expectedAuthorization;
    private final HttpServer server;
    private final ExecutorService executor;

    private PaymentSandbox(HttpServer server, String secretKey, Duration slowDelay) {
        this.server = server;
        this.provider = new SandboxProvider(slowDelay);
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((secretKey + ":").getBytes(StandardCharsets.UTF_8));
        // Unbounded on purpose: tok_slow requests sleep, and they must not starve quick ones.
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "payment-sandbox");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts on 127.0.0.1:{@code port} ({@code 0} picks a free port) with the default key and slow delay. */
    public static PaymentSandbox start(int port) {
        return start(port, DEFAULT_SECRET_KEY, DEFAULT_SLOW_DELAY);
    }

    public static PaymentSandbox start(int port, String secretKey, Duration slowDelay) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), secretKey, slowDelay);
    }

    public static PaymentSandbox start(InetSocketAddress address, String secretKey, Duration slowDelay) {
        try {
            HttpServer server = HttpServer.create(address, 128);
            PaymentSandbox sandbox = new PaymentSandbox(server, secretKey, slowDelay);
            server.start();
            return sandbox;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the payment sandbox on " + address, e);
        }
    }

    /** Runs the sandbox for the local stack: port from the first argument or {@code SANDBOX_PORT}, default 8086. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0])
                : Integer.parseInt(env("SANDBOX_PORT", Integer.toString(DEFAULT_PORT)));
        String host = env("SANDBOX_HOST", "127.0.0.1");
        String key = env("SANDBOX_SECRET_KEY", DEFAULT_SECRET_KEY);
        Duration slow = Duration.ofMillis(Long.parseLong(env("SANDBOX_SLOW_DELAY_MILLIS",
                Long.toString(DEFAULT_SLOW_DELAY.toMillis()))));
        PaymentSandbox sandbox = start(new InetSocketAddress(host, port), key, slow);
        sandbox.provider.lateDelay(Duration.ofMillis(Long.parseLong(env("SANDBOX_LATE_DELAY_MILLIS",
                Long.toString(SandboxProvider.DEFAULT_LATE_DELAY.toMillis())))));
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::stop));
        System.out.println("payment sandbox listening on " + sandbox.baseUrl());
        Thread.currentThread().join();
    }

    public String baseUrl() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ---- Java API for tests ------------------------------------------------------------------------------------

    /** Every capture and refund so far, in the order they happened. */
    public List<LedgerEntry> ledger() {
        return provider.ledger();
    }

    public List<LedgerEntry> ledger(String orderId) {
        return provider.ledger().stream().filter(e -> e.orderId().equals(orderId)).toList();
    }

    public int confirmRequests(String orderId) {
        return provider.confirmRequests(orderId);
    }

    /** Status look-ups (by order id or by payment key) that concerned this order. */
    public int statusRequests(String orderId) {
        return provider.statusRequests(orderId);
    }

    public int cancelRequests(String orderId) {
        return provider.cancelRequests(orderId);
    }

    /** The next {@code failures} provider calls for this order answer HTTP 500 without processing anything. */
    public void failNext(String orderId, int failures) {
        provider.failNext(orderId, failures);
    }

    /** How long a late success (tok_late, chaos lateSuccessRate) stays unanswered and invisible. */
    public void lateDelay(Duration delay) {
        provider.lateDelay(delay);
    }

    public void slowDelay(Duration delay) {
        provider.slowDelay(delay);
    }

    /** The most confirms processed at the same time since the start or the last {@link #resetConcurrency()}. */
    public int maxConfirmsInFlight() {
        return provider.maxConfirmsInFlight();
    }

    public void resetConcurrency() {
        provider.resetMaxConfirmsInFlight();
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            IdempotencyStore.Reply reply;
            boolean provider = ex.getRequestURI().getRawPath().startsWith("/v1/");
            try {
                // Chaos applies to the provider API only: a failure before any work, or the work done and then
                // the answer slow or lost (the client's retry with the same Idempotency-Key is answered again).
                reply = provider && chaos.failBefore() ? Chaos.internalError() : route(ex);
                if (provider && reply.status() < 500) {
                    chaos.delayAnswer();
                    if (chaos.loseAnswer()) {
                        reply = Chaos.internalError();
                    }
                }
            } catch (ProviderError e) {
                reply = new IdempotencyStore.Reply(e.status, Map.of("code", e.code, "message", e.getMessage()));
            } catch (IOException e) {
                reply = new IdempotencyStore.Reply(400, Map.of("code", "INVALID_REQUEST",
                        "message", "malformed JSON body"));
            } catch (RuntimeException e) {
                reply = new IdempotencyStore.Reply(500, Map.of("code", "FAILED_INTERNAL_SYSTEM_PROCESSING",
                        "message", String.valueOf(e.getMessage())));
            }
            byte[] body = reply.body() == null ? new byte[0] : json.writeValueAsBytes(reply.body());
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private IdempotencyStore.Reply route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        Matcher m;
        if (path.startsWith("/v1/")) {
            authenticate(ex);
            if ("POST".equals(method) && "/v1/payments/confirm".equals(path)) {
                JsonNode body = body(ex);
                boolean late = chaos.lateSuccess();
                return idempotent(ex, body, () -> ok(provider.confirm(text(body, "paymentKey"),
                        text(body, "orderId"), number(body, "amount"), late)));
            }
            if ("POST".equals(method) && (m = CANCEL.matcher(path)).matches()) {
                JsonNode body = body(ex);
                String paymentKey = decode(m.group(1));
                return idempotent(ex, body, () -> ok(provider.cancel(paymentKey, text(body, "cancelReason"),
                        number(body, "cancelAmount"))));
            }
            if ("GET".equals(method) && (m = BY_ORDER.matcher(path)).matches()) {
                return found(provider.byOrderId(decode(m.group(1))));
            }
            if ("GET".equals(method) && (m = PAYMENT_KEY.matcher(path)).matches()) {
                return found(provider.byPaymentKey(decode(m.group(1))));
            }
        } else if (path.startsWith("/sandbox/")) {
            if ("GET".equals(method) && "/sandbox/ledger".equals(path)) {
                String orderId = query(ex, "orderId");
                return ok(Map.of("entries", orderId == null ? ledger() : ledger(orderId)));
            }
            if ("GET".equals(method) && (m = SANDBOX_ORDER.matcher(path)).matches()) {
                String orderId = decode(m.group(1));
                List<LedgerEntry> entries = ledger(orderId);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("orderId", orderId);
                r.put("confirmRequests", confirmRequests(orderId));
                r.put("cancelRequests", cancelRequests(orderId));
                r.put("statusRequests", statusRequests(orderId));
                r.put("captures", entries.stream().filter(e -> e.kind() == LedgerEntry.Kind.CAPTURE).count());
                r.put("refunds", entries.stream().filter(e -> e.kind() == LedgerEntry.Kind.REFUND).count());
                return ok(r);
            }
            if ("POST".equals(method) && "/sandbox/faults".equals(path)) {
                JsonNode body = body(ex);
                String orderId = text(body, "orderId");
                Long failures = number(body, "failures");
                if (orderId == null || failures == null) {
                    throw ProviderError.badRequest("orderId and failures are required");
                }
                failNext(orderId, failures.intValue());
                return new IdempotencyStore.Reply(204, null);
            }
            if ("PUT".equals(method) && "/sandbox/chaos".equals(path)) {
                JsonNode b = body(ex);
                chaos.set(rate(b, "errorRate"), rate(b, "slowRate"), Math.max(0, Optional.ofNullable(number(b, "slowMillis")).orElse(0L)),
                        rate(b, "lostAnswerRate"), rate(b, "lateSuccessRate"));
                return ok(chaos.view());
            }
            if ("GET".equals(method) && "/sandbox/chaos".equals(path)) {
                return ok(chaos.view());
            }
            if ("/sandbox/concurrency".equals(path) && ("GET".equals(method) || "DELETE".equals(method))) {
                if ("DELETE".equals(method)) {
                    resetConcurrency();
                }
                return ok(Map.of("confirmsInFlight", provider.confirmsInFlight(),
                        "maxConfirmsInFlight", provider.maxConfirmsInFlight()));
            }
            if ("PUT".equals(method) && "/sandbox/settings".equals(path)) {
                JsonNode b = body(ex);
                Long millis = number(b, "slowDelayMillis");
                Long late = number(b, "lateDelayMillis");
                if (millis == null && late == null) {
                    throw ProviderError.badRequest("slowDelayMillis or lateDelayMillis is required");
                }
                if (millis != null) {
                    slowDelay(Duration.ofMillis(millis));
                }
                if (late != null) {
                    provider.lateDelay(Duration.ofMillis(late));
                }
                return ok(Map.of("slowDelayMillis", provider.slowDelay().toMillis(),
                        "lateDelayMillis", provider.lateDelay().toMillis()));
            }
        }
        throw new ProviderError(404, "NOT_FOUND", "no such endpoint: " + method + " " + path);
    }

    private void authenticate(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (!expectedAuthorization.equals(auth)) {
            throw new ProviderError(401, "UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.");
        }
    }

    private IdempotencyStore.Reply idempotent(HttpExchange ex, JsonNode body,
                                              java.util.function.Supplier<IdempotencyStore.Reply> action) {
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        String fingerprint = ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + " " + body;
        return idempotency.execute(key, fingerprint, action);
    }

    private JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return json.createObjectNode();
            }
            JsonNode node = json.readTree(bytes);
            if (!(node instanceof ObjectNode)) {
                throw ProviderError.badRequest("the body must be a JSON object");
            }
            return node;
        }
    }

    private static double rate(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() > 1) {
            throw ProviderError.badRequest(field + " must be a number from 0 to 1");
        }
        return n.asDouble();
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Long number(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToExactIntegral() || !n.canConvertToLong()) {
            throw ProviderError.badRequest(field + " must be an integer");
        }
        return n.asLong();
    }

    private static IdempotencyStore.Reply ok(Object body) {
        return new IdempotencyStore.Reply(200, body);
    }

    private static IdempotencyStore.Reply found(Optional<Map<String, Object>> payment) {
        return payment.map(PaymentSandbox::ok).orElseThrow(() ->
                new ProviderError(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다."));
    }

    private static String query(HttpExchange ex, String name) {
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
