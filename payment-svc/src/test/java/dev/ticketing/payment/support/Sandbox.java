package dev.ticketing.payment.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The tests' view of the provider, over HTTP like any client: its ledger, counters and fault controls. */
public final class Sandbox {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;

    public Sandbox(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** CAPTURE/REFUND kinds recorded for the order, in order. */
    public List<String> ledgerKinds(String orderId) {
        List<String> kinds = new ArrayList<>();
        for (JsonNode e : get("/sandbox/ledger?orderId=" + orderId).get("entries")) {
            kinds.add(e.get("kind").asText());
        }
        return kinds;
    }

    public List<JsonNode> ledger(String orderId) {
        List<JsonNode> entries = new ArrayList<>();
        get("/sandbox/ledger?orderId=" + orderId).get("entries").forEach(entries::add);
        return entries;
    }

    /** {confirmRequests, cancelRequests, statusRequests, captures, refunds} for the order. */
    public JsonNode order(String orderId) {
        return get("/sandbox/orders/" + orderId);
    }

    public void failNext(String orderId, int failures) {
        send("POST", "/sandbox/faults", Map.of("orderId", orderId, "failures", failures), null);
    }

    /** How long tok_late stays unanswered and invisible before it captures. */
    public void lateDelayMillis(long millis) {
        send("PUT", "/sandbox/settings", Map.of("lateDelayMillis", millis), null);
    }

    public void slowDelayMillis(long millis) {
        send("PUT", "/sandbox/settings", Map.of("slowDelayMillis", millis), null);
    }

    /** Forgets the most confirms seen in flight at once so far (counting starts again from the ones in flight now). */
    public void resetConcurrency() {
        send("DELETE", "/sandbox/concurrency", Map.of(), null);
    }

    /** The most confirms the provider was processing at the same time since the last reset. */
    public int maxConfirmsInFlight() {
        return get("/sandbox/concurrency").get("maxConfirmsInFlight").asInt();
    }

    /** A confirm sent straight to the provider, as a payment-svc instance that then crashed would have sent it. */
    public JsonNode confirm(String paymentKey, String orderId, long amount, String idempotencyKey) {
        return send("POST", "/v1/payments/confirm",
                Map.of("paymentKey", paymentKey, "orderId", orderId, "amount", amount), idempotencyKey);
    }

    private JsonNode get(String path) {
        return exchange(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    private JsonNode send(String method, String path, Object body, String idempotencyKey) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (SandboxTestResource.SECRET_KEY + ":").getBytes(StandardCharsets.UTF_8)));
            if (idempotencyKey != null) {
                b.header("Idempotency-Key", idempotencyKey);
            }
            return exchange(b.build());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode exchange(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(request.uri() + " answered " + r.statusCode() + " " + r.body());
            }
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
