package dev.ticketing.search.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for booking-svc's {@code GET /api/performances?page=&size=} (another service of ours, not running in
 * this module's tests) with a plain JDK HTTP server. Tests drive it over HTTP, not through static fields, because
 * Quarkus loads test resources and tests in different class loaders:
 * <ul>
 *   <li>{@code PUT /__stub/catalog} — body: JSON array of performances in booking-svc's shape;</li>
 *   <li>{@code POST /__stub/hold} / {@code POST /__stub/release} — catalog pages wait while held (a slow rebuild);</li>
 *   <li>{@code POST /__stub/fail} / {@code POST /__stub/heal} — catalog pages answer 500 while failing;</li>
 *   <li>{@code GET /__stub/requests} — how many catalog pages were served.</li>
 * </ul>
 */
public class BookingCatalogStub implements QuarkusTestResourceLifecycleManager {

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicReference<ArrayNode> catalog = new AtomicReference<>(json.createArrayNode());
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
    private HttpServer server;
    private ExecutorService executor;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/api/performances", guarded(this::page));
        server.createContext("/__stub/catalog", guarded(ex -> {
            catalog.set((ArrayNode) json.readTree(ex.getRequestBody().readAllBytes()));
            requests.set(0);
            reply(ex, 204, null);
        }));
        server.createContext("/__stub/hold", ex -> {
            gate.set(new CountDownLatch(1));
            reply(ex, 204, null);
        });
        server.createContext("/__stub/release", ex -> {
            gate.get().countDown();
            reply(ex, 204, null);
        });
        server.createContext("/__stub/fail", ex -> {
            failing.set(true);
            reply(ex, 204, null);
        });
        server.createContext("/__stub/heal", ex -> {
            failing.set(false);
            reply(ex, 204, null);
        });
        server.createContext("/__stub/requests", ex -> reply(ex, 200, json.valueToTree(requests.get())));
        server.start();
        return Map.of("quarkus.rest-client.booking.url",
                "http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A handler that fails answers 500 with the reason instead of dropping the connection. */
    private com.sun.net.httpserver.HttpHandler guarded(com.sun.net.httpserver.HttpHandler handler) {
        return ex -> {
            try {
                handler.handle(ex);
            } catch (RuntimeException | IOException e) {
                byte[] reason = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(500, reason.length);
                ex.getResponseBody().write(reason);
                ex.close();
            }
        };
    }

    private void page(HttpExchange ex) throws IOException {
        try {
            if (!gate.get().await(120, TimeUnit.SECONDS)) {
                reply(ex, 503, null);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(ex, 503, null);
            return;
        }
        if (failing.get()) {
            reply(ex, 500, null);
            return;
        }
        requests.incrementAndGet();
        Map<String, String> query = query(ex.getRequestURI());
        int page = Integer.parseInt(query.getOrDefault("page", "0"));
        int size = Integer.parseInt(query.getOrDefault("size", "20"));
        ArrayNode all = catalog.get();
        ObjectNode body = json.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (int i = page * size; i < Math.min(all.size(), (page + 1) * size); i++) {
            items.add(all.get(i));
        }
        body.put("page", page).put("size", size).put("total", all.size());
        reply(ex, 200, body);
    }

    private void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        ex.getRequestBody().readAllBytes();
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = json.writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                out.put(kv[0], kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    @Override
    public void stop() {
        if (server != null) {
            gate.get().countDown();
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
