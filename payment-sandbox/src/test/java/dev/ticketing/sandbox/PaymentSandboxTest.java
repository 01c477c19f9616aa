package dev.ticketing.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sandbox over real HTTP: the Toss API shape, test tokens, idempotency, faults and the ledger. */
class PaymentSandboxTest {

    static PaymentSandbox sandbox;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();
    static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
            (PaymentSandbox.DEFAULT_SECRET_KEY + ":").getBytes(StandardCharsets.UTF_8));

    record Answer(int status, JsonNode body) {
    }

    @BeforeAll
    static void start() {
        sandbox = PaymentSandbox.start(0, PaymentSandbox.DEFAULT_SECRET_KEY, Duration.ofMillis(1500));
    }

    @AfterAll
    static void stop() {
        sandbox.stop();
    }

    static Answer call(String method, String path, String body, String idempotencyKey, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : json.readTree(r.body()));
    }

    static Answer confirm(String token, String orderId, long amount, String key) throws Exception {
        return call("POST", "/v1/payments/confirm", json.writeValueAsString(
                java.util.Map.of("paymentKey", token, "orderId", orderId, "amount", amount)), key, AUTH);
    }

    static String order() {
        return "ord-" + UUID.randomUUID();
    }

    @Test
    void approveCapturesOnceAndIsQueryable() throws Exception {
        String orderId = order();
        Answer a = confirm("tok_approve", orderId, 50_000, "k-" + orderId);
        assertEquals(200, a.status());
        assertEquals("DONE", a.body().get("status").asText());
        assertEquals(50_000, a.body().get("totalAmount").asLong());
        String paymentKey = a.body().get("paymentKey").asText();
        assertNotEquals("tok_approve", paymentKey, "each payment gets its own key");

        assertEquals("DONE", call("GET", "/v1/payments/" + paymentKey, null, null, AUTH).body().get("status").asText());
        assertEquals(paymentKey, call("GET", "/v1/payments/orders/" + orderId, null, null, AUTH)
                .body().get("paymentKey").asText());
        Answer ledger = call("GET", "/sandbox/ledger?orderId=" + orderId, null, null, null);
        assertEquals(1, ledger.body().get("entries").size());
        assertEquals("CAPTURE", ledger.body().get("entries").get(0).get("kind").asText());
    }

    @Test
    void chaosLosesTheAnswerButNotThePaymentAndTheRetryIsAnsweredAgain() throws Exception {
        String orderId = order();
        try {
            assertEquals(200, call("PUT", "/sandbox/chaos", "{\"lostAnswerRate\":1}", null, null).status());
            Answer lost = confirm("tok_approve", orderId, 7000, "chaos-" + orderId);
            assertEquals(500, lost.status(), "the answer is lost");
            assertEquals(1, sandbox.ledger(orderId).size(), "but the payment went through");
            call("PUT", "/sandbox/chaos", "{}", null, null);
            Answer retry = confirm("tok_approve", orderId, 7000, "chaos-" + orderId);
            assertEquals(200, retry.status());
            assertEquals("DONE", retry.body().get("status").asText());
            assertEquals(1, sandbox.ledger(orderId).size(), "the retry is answered from the first payment");

            call("PUT", "/sandbox/chaos", "{\"errorRate\":1}", null, null);
            String other = order();
            assertEquals(500, confirm("tok_approve", other, 7000, "chaos-" + other).status());
            assertEquals(0, sandbox.ledger(other).size(), "an error before the work captures nothing");
            assertEquals(1, call("GET", "/sandbox/chaos", null, null, null).body().path("injected").path("errors").asInt());
            assertEquals(400, call("PUT", "/sandbox/chaos", "{\"errorRate\":2}", null, null).status());
        } finally {
            call("PUT", "/sandbox/chaos", "{}", null, null);
        }
    }

    @Test
    void sameIdempotencyKeyReplaysTheStoredResponse() throws Exception {
        String orderId = order();
        Answer first = confirm("tok_approve", orderId, 1000, "same-" + orderId);
        Answer again = confirm("tok_approve", orderId, 1000, "same-" + orderId);
        assertEquals(first, again);
        Answer otherKey = confirm("tok_approve", orderId, 1000, "other-" + orderId);
        assertEquals(400, otherKey.status());
        assertEquals("ALREADY_PROCESSED_PAYMENT", otherKey.body().get("code").asText());
        Answer reusedDifferently = confirm("tok_approve", orderId, 2000, "same-" + orderId);
        assertEquals(400, reusedDifferently.status());
        assertEquals(1, sandbox.ledger(orderId).size());
    }

    @Test
    void concurrentConfirmsOfOneOrderCaptureOnce() throws Exception {
        String orderId = order();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String key = i % 2 == 0 ? "shared-" + orderId : "k" + i + "-" + orderId;
                calls.add(() -> confirm("tok_approve", orderId, 700, key));
            }
            int ok = 0;
            for (Future<Answer> f : pool.invokeAll(calls)) {
                if (f.get().status() == 200) {
                    ok++;
                }
            }
            assertTrue(ok >= 1, "at least the first confirm succeeds");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, sandbox.ledger(orderId).size());
    }

    @Test
    void declineIsATossErrorAndAbortsThePayment() throws Exception {
        String orderId = order();
        Answer a = confirm("tok_decline", orderId, 1000, null);
        assertEquals(403, a.status());
        assertEquals("REJECT_CARD_PAYMENT", a.body().get("code").asText());
        assertEquals("ABORTED", call("GET", "/v1/payments/orders/" + orderId, null, null, AUTH)
                .body().get("status").asText());
        assertTrue(sandbox.ledger(orderId).isEmpty());
    }

    @Test
    void errorTokenAnswers500AndIsNotStored() throws Exception {
        String orderId = order();
        assertEquals(500, confirm("tok_error", orderId, 1000, "e-" + orderId).status());
        assertEquals(500, confirm("tok_error", orderId, 1000, "e-" + orderId).status());
        assertEquals(404, call("GET", "/v1/payments/orders/" + orderId, null, null, AUTH).status());
        assertEquals(2, sandbox.confirmRequests(orderId));
    }

    @Test
    void injectedFaultsFailNTimesThenSucceedWithTheSameKey() throws Exception {
        String orderId = order();
        assertEquals(204, call("POST", "/sandbox/faults",
                "{\"orderId\":\"" + orderId + "\",\"failures\":2}", null, null).status());
        assertEquals(500, confirm("tok_approve", orderId, 1000, "f-" + orderId).status());
        assertEquals(500, confirm("tok_approve", orderId, 1000, "f-" + orderId).status());
        assertEquals(200, confirm("tok_approve", orderId, 1000, "f-" + orderId).status());
        Answer counts = call("GET", "/sandbox/orders/" + orderId, null, null, null);
        assertEquals(3, counts.body().get("confirmRequests").asInt());
        assertEquals(1, counts.body().get("captures").asInt());
    }

    /**
     * A late success: the confirm is neither answered nor visible while the late delay runs (a client times out and
     * its status query says "not found"), then the payment is captured anyway and the answer comes after all.
     */
    @Test
    void lateTokenIsInvisibleAndUnansweredThenCaptured() throws Exception {
        sandbox.lateDelay(Duration.ofMillis(2000));
        try {
            String orderId = order();
            long t0 = System.nanoTime();
            var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return confirm("tok_late", orderId, 1000, "l-" + orderId);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertEquals(404, call("GET", "/v1/payments/orders/" + orderId, null, null, AUTH).status(),
                    "nothing recorded while the confirm is under way");
            assertEquals(409, confirm("tok_late", orderId, 1000, "l-" + orderId).status(), "same key still running");
            assertEquals(200, pending.get().status());
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(2000).toNanos(), "answered only after the late delay");
            assertEquals("DONE", call("GET", "/v1/payments/orders/" + orderId, null, null, AUTH)
                    .body().get("status").asText());
            assertEquals(List.of("CAPTURE"), sandbox.ledger().stream().filter(e -> e.orderId().equals(orderId))
                    .map(e -> e.kind().name()).toList());
        } finally {
            sandbox.lateDelay(SandboxProvider.DEFAULT_LATE_DELAY);
        }
    }

    @Test
    void slowTokenIsInProgressUntilItCompletes() throws Exception {
        String orderId = order();
        var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return confirm("tok_slow", orderId, 1000, "s-" + orderId);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Answer status;
        do {
            Thread.sleep(50);
            status = call("GET", "/v1/payments/orders/" + orderId, null, null, AUTH);
        } while (status.status() == 404 && System.nanoTime() < deadline);
        assertEquals("IN_PROGRESS", status.body().get("status").asText());
        assertEquals(409, confirm("tok_slow", orderId, 1000, "s-" + orderId).status(), "same key still running");
        assertEquals(200, pending.get().status());
        assertEquals("DONE", call("GET", "/v1/payments/orders/" + orderId, null, null, AUTH)
                .body().get("status").asText());
    }

    @Test
    void concurrencyCountsTheConfirmsProcessedAtOnce() throws Exception {
        assertEquals(200, call("DELETE", "/sandbox/concurrency", null, null, null).status());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String orderId = order();
                calls.add(() -> confirm("tok_slow", orderId, 1000, "c-" + orderId)); // each takes the slow delay
            }
            for (Future<Answer> f : pool.invokeAll(calls)) {
                assertEquals(200, f.get().status());
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode c = call("GET", "/sandbox/concurrency", null, null, null).body();
        assertEquals(0, c.get("confirmsInFlight").asInt());
        assertEquals(4, c.get("maxConfirmsInFlight").asInt());
        assertEquals(4, sandbox.maxConfirmsInFlight());
        sandbox.resetConcurrency();
        assertEquals(0, sandbox.maxConfirmsInFlight());
    }

    @Test
    void cancelRefundsOnceAndIsIdempotent() throws Exception {
        String orderId = order();
        String paymentKey = confirm("tok_approve", orderId, 3000, null).body().get("paymentKey").asText();
        String body = "{\"cancelReason\":\"고객 변심\"}";
        Answer c = call("POST", "/v1/payments/" + paymentKey + "/cancel", body, "r-" + orderId, AUTH);
        assertEquals(200, c.status());
        assertEquals("CANCELED", c.body().get("status").asText());
        assertEquals(c, call("POST", "/v1/payments/" + paymentKey + "/cancel", body, "r-" + orderId, AUTH));
        Answer again = call("POST", "/v1/payments/" + paymentKey + "/cancel", body, "r2-" + orderId, AUTH);
        assertEquals("ALREADY_CANCELED_PAYMENT", again.body().get("code").asText());
        assertEquals(List.of(LedgerEntry.Kind.CAPTURE, LedgerEntry.Kind.REFUND),
                sandbox.ledger(orderId).stream().map(LedgerEntry::kind).toList());
    }

    @Test
    void badKeyAndBadInputAreClearErrors() throws Exception {
        Answer unauthorized = call("POST", "/v1/payments/confirm", "{}", null, "Basic bm9wZTo=");
        assertEquals(401, unauthorized.status());
        assertEquals("UNAUTHORIZED_KEY", unauthorized.body().get("code").asText());
        Answer bad = call("POST", "/v1/payments/confirm", "{\"paymentKey\":\"tok_approve\",\"orderId\":\"x\",\"amount\":1}",
                null, AUTH);
        assertEquals(400, bad.status());
        assertEquals("INVALID_REQUEST", bad.body().get("code").asText());
        assertEquals(400, call("POST", "/v1/payments/confirm", "{nope", null, AUTH).status());
        assertEquals(404, call("GET", "/v1/payments/unknown-key", null, null, AUTH).status());
    }
}
