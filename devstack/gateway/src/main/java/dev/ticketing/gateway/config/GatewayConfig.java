package dev.ticketing.gateway.config;

import io.smallrye.config.ConfigMapping;

/** Where the gateway finds its routing table, the UI and the services. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** helm/ticketing/routes.yaml: the same file the Helm chart renders into Ingress objects. */
    String routesFile();

    /** The fan UI's folder (static files, no build step), served at /. */
    String webRoot();

    /** The public API's merged OpenAPI document (the chart's files/openapi.yaml), served at /openapi.yaml like the cluster edge. */
    String openapiFile();

    /** Host of every backend; the port of each service comes from the routing table. */
    String backendHost();

    /** auth-svc's verify endpoint (ingress-nginx auth-url semantics). */
    String authVerifyUrl();

    /** Largest request body the edge forwards (ingress-nginx's proxy-body-size; the API's bodies are small). */
    @io.smallrye.config.WithDefault("1048576")
    long maxBodyBytes();

    /** Longest request target (path and query) the edge forwards. */
    @io.smallrye.config.WithDefault("4000")
    int maxUriLength();

    /**
     * How long an idle pooled connection to a backend is kept. It must stay below the backends' own idle timeout
     * (Quarkus' quarkus.http.idle-timeout, 30 min by default) so that the gateway, not the backend, closes idle
     * connections: a request is then never written into a connection the backend is closing.
     */
    @io.smallrye.config.WithDefault("PT20S")
    java.time.Duration upstreamKeepAlive();

    /**
     * How long a client's idle keep-alive connection is kept (nginx's keepalive_timeout, 75 s by default). A waiting
     * room socket is never idle (a frame every second) and is not affected.
     */
    @io.smallrye.config.WithDefault("PT75S")
    java.time.Duration clientKeepAlive();

    /**
     * The share of the process' descriptor limit above which idle client connections are closed at once, oldest
     * first, as nginx does when it runs out of connections: a waiting fan's idle page connection must not keep the
     * next fan's socket out (docs/benchmarks.md, P8).
     */
    @io.smallrye.config.WithDefault("0.75")
    double descriptorPressure();
}
