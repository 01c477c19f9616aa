package dev.ticketing.gateway.edge;

import dev.ticketing.gateway.auth.AuthCheck;
import dev.ticketing.gateway.auth.Verdict;
import dev.ticketing.gateway.config.GatewayConfig;
import dev.ticketing.gateway.routing.Route;
import dev.ticketing.gateway.routing.RoutingTable;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local ingress: /api/** goes through the routing table (first match wins), {@code auth: user} routes ask
 * auth-svc's verify endpoint first, everything else under / is the fan UI. /q/** stays Quarkus' own (health).
 */
@ApplicationScoped
public class Edge {

    private final RoutingTable table;
    private final AuthCheck authCheck;
    private final Path webRoot;
    private final Path openapiFile;
    private final String backendHost;
    private final long maxBodyBytes;
    private final int maxUriLength;
    private final HttpClient httpClient;
    private final HttpClient webSocketClient;
    private final HttpClient retryClient;
    private final Map<String, HttpProxy> proxies = new ConcurrentHashMap<>();

    public Edge(GatewayConfig config, AuthCheck authCheck, Vertx vertx) {
        Path routesFile = Path.of(config.routesFile());
        this.table = RoutingTable.load(routesFile);
        this.authCheck = authCheck;
        this.webRoot = Path.of(config.webRoot()).toAbsolutePath().normalize();
        this.openapiFile = Path.of(config.openapiFile()).toAbsolutePath().normalize();
        this.backendHost = config.backendHost();
        this.maxBodyBytes = config.maxBodyBytes();
        this.maxUriLength = config.maxUriLength();
        // Vert.x' default pool is 5 connections per origin: far too few for an on-sale's parallel requests.
        // The gateway closes idle connections before a backend would (see GatewayConfig.upstreamKeepAlive).
        this.httpClient = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(256).setKeepAlive(true)
                .setKeepAliveTimeout((int) Math.max(1, config.upstreamKeepAlive().toSeconds())));
        this.retryClient = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64).setKeepAlive(false));
        // Waiting-room sockets stay open for minutes: no idle timeout on the upstream side, and no cap below the
        // room's size. An upgraded connection stays taken from the pool for the socket's whole life, so the pool is
        // the cap on waiting fans: with 1,024, fan 1,025's handshake waited for a slot until it timed out (10,000-fan
        // run, docs/benchmarks.md).
        this.webSocketClient = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(200_000).setIdleTimeout(0)
                .setMaxWebSockets(200_000));
        Log.infof("routing table %s: %d routes; web UI from %s", routesFile.toAbsolutePath(), table.routes().size(), webRoot);
    }

    public RoutingTable table() {
        return table;
    }

    public Path webRoot() {
        return webRoot;
    }

    void install(@Observes Router router) {
        router.route("/api/*").handler(this::api);
        // Before the UI's catch-all, as in the cluster (the web pod serves the chart's copy of the same file).
        router.get("/openapi.yaml").handler(ctx -> {
            if (!Files.isRegularFile(openapiFile)) {
                Problems.send(ctx.response(), 404, "Not Found", "The OpenAPI document is not in this checkout.");
                return;
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=UTF-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").sendFile(openapiFile.toString());
        });
        if (Files.isDirectory(webRoot)) {
            StaticHandler ui = StaticHandler.create(FileSystemAccess.ROOT, webRoot.toString())
                    .setCachingEnabled(false)   // the UI has no build step: an edit shows on the next reload
                    .setIndexPage("index.html")
                    .setDefaultContentEncoding("UTF-8");
            router.routeWithRegex("^/(?!q/|api/).*").handler(ui);
        } else {
            Log.warnf("web root %s does not exist: the UI is not served", webRoot);
        }
    }

    private void api(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = request.path();
        if (ambiguous(path)) {
            // The table matches raw paths, like the ingress; a path a backend would normalise differently could
            // otherwise slip past an auth: user route behind a public one.
            Problems.send(request.response(), 400, "Bad Request", "The path contains dot segments or encoded separators.");
            return;
        }
        if (request.uri().length() > maxUriLength) {
            Problems.send(request.response(), 414, "URI Too Long",
                    "The request target is longer than " + maxUriLength + " characters.");
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && (!length.matches("\\d{1,18}") || Long.parseLong(length) > maxBodyBytes)) {
            // refused before a byte is read or forwarded; the connection closes so the rest is not read either
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
            Problems.send(request.response(), 413, "Content Too Large",
                    "The request body is larger than " + maxBodyBytes + " bytes.");
            return;
        }
        Route route = table.match(path).orElse(null);
        if (route == null) {
            Problems.send(request.response(), 404, "Not Found", "No route for " + path + ".");
            return;
        }
        // Identity headers come only from the verify answer, never from the client. The gateway is the edge, so
        // it states the client address itself (auth-svc's per-address login brake keys on it) instead of
        // passing on whatever X-Forwarded-For the client sent.
        request.headers().remove(AuthCheck.USER_ID).remove(AuthCheck.USER_ROLES)
                .set("X-Forwarded-For", request.remoteAddress().hostAddress())
                .set("X-Real-IP", request.remoteAddress().hostAddress())
                .set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
        if (!route.requiresUser()) {
            proxy(route).handle(request);
            return;
        }
        // Hold the body (and a WebSocket handshake) until auth-svc has answered.
        request.pause();
        // The WebSocket's token travels in Sec-WebSocket-Protocol: verify gets that header, and the proxy passes it on
        // to the backend unchanged (and the subprotocol the backend selects back to the client, as browsers require).
        authCheck.verify(request.getHeader(HttpHeaders.AUTHORIZATION),
                        request.headers().getAll(AuthCheck.SEC_WEBSOCKET_PROTOCOL),
                        request.method().name(), request.uri())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        Log.warnf("auth verify failed for %s: %s", path, ar.cause().toString());
                        request.resume();
                        Problems.send(request.response(), 503, "Service Unavailable",
                                "The sign-in check is unavailable; try again shortly.");
                    } else if (ar.result() instanceof Verdict.Allowed allowed) {
                        request.headers().set(AuthCheck.USER_ID, allowed.userId());
                        if (allowed.roles() != null) {
                            request.headers().set(AuthCheck.USER_ROLES, allowed.roles());
                        }
                        proxy(route).handle(request);
                    } else {
                        int status = ((Verdict.Denied) ar.result()).status();
                        request.resume();
                        Problems.send(request.response(), status, status == 401 ? "Unauthorized" : "Forbidden",
                                status == 401 ? "Sign in first: the access token is missing, invalid or expired."
                                        : "Not allowed.");
                    }
                });
    }

    /** One proxy per backend and kind; only routes marked websocket may upgrade. */
    private HttpProxy proxy(Route route) {
        String key = route.service() + (route.websocket() ? "#ws" : "");
        return proxies.computeIfAbsent(key, k -> {
            SocketAddress origin = SocketAddress.inetSocketAddress(route.port(), backendHost);
            if (route.websocket()) {
                return HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), webSocketClient)
                        .origin(OriginRequestProvider.fixedAddress(origin))
                        .addInterceptor(new Replay(route.service(), maxBodyBytes));
            }
            // A retry (Replay) asks for a connection of its own rather than another pooled one that may be as stale.
            return HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), httpClient)
                    .origin(context -> (Boolean.TRUE.equals(context.get(Replay.FRESH_CONNECTION, Boolean.class))
                            ? retryClient : context.client()).request(new RequestOptions().setServer(origin)))
                    .addInterceptor(new Replay(route.service(), maxBodyBytes));
        });
    }

    static boolean ambiguous(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.contains("/../") || lower.endsWith("/..") || lower.contains("/./") || lower.endsWith("/.")
                || lower.contains("//") || lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")
                || lower.contains("\\");
    }
}
