package dev.ticketing.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The public API as a fan's client sees it during a fault run: every answer is counted by status, and a call that
 * meets a transient failure (no connection, 502/503/504, 429) is retried with backoff, honouring Retry-After, the
 * way the fan UI does. A 500 is never transient: it is recorded with the request as a defect.
 */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();

    record Answer(int status, String body, String contentType) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return JSON.createObjectNode();
            }
        }
    }

    private final String baseUrl;
    // HTTP/1.1 like browsers and load tools on plain http (no h2c upgrade)
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final List<String> defects = Collections.synchronizedList(new ArrayList<>());

    Http(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** One attempt; status 0 = no answer (refused, reset, timed out). */
    Answer once(String method, String path, String token, String body, Map<String, String> headers) {
        return onceWithType(method, path, token, body, headers, "application/json");
    }

    Answer onceWithType(String method, String path, String token, String body, Map<String, String> headers, String type) {
        requests.incrementAndGet();
        URI uri;
        try {
            uri = URI.create(baseUrl + path);
        } catch (IllegalArgumentException e) { // a path no HTTP client can send: nothing reached the server
            throw new IllegalArgumentException("not a valid URI: " + path, e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", type);
        }
        Answer a;
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            a = new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            a = new Answer(0, e.toString(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            a = new Answer(0, "interrupted", "");
        }
        byStatus.computeIfAbsent(a.status(), k -> new AtomicLong()).incrementAndGet();
        if (a.status() == 500 || (a.status() > 500 && !a.contentType().startsWith("application/problem+json")
                && a.status() != 502 && a.status() != 504)) {
            defects.add(method + " " + path + " -> " + a.status() + " " + abbreviate(a.body()));
        }
        return a;
    }

    /** Retries transient failures for up to {@code budget}; returns the last answer. */
    Answer call(String method, String path, String token, String body, Map<String, String> headers, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        long backoff = 250;
        while (true) {
            Answer a = once(method, path, token, body, headers);
            if (!transient_(a.status()) || System.nanoTime() > deadline) {
                return a;
            }
            retries.incrementAndGet();
            sleep(Math.min(backoff, 4000) + (long) (Math.random() * 250));
            backoff *= 2;
        }
    }

    Answer call(String method, String path, String token, String body) {
        return call(method, path, token, body, Map.of(), Duration.ofSeconds(150));
    }

    static boolean transient_(int status) {
        return status == 0 || status == 429 || status == 502 || status == 503 || status == 504;
    }

    Map<Integer, Long> statusCounts() {
        Map<Integer, Long> m = new TreeMap<>();
        byStatus.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    static String abbreviate(String s) {
        s = s == null ? "" : s.replaceAll("\\s+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
