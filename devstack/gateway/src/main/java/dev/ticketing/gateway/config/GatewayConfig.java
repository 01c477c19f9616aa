package dev.ticketing.gateway.config;

import io.smallrye.config.ConfigMapping;

/** Where the gateway finds its routing table, the UI and the services. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** helm/ticketing/routes.yaml: the same file the Helm chart renders into Ingress objects. */
    String routesFile();

    /** The fan UI's folder (static files, no build step), served at /. */
    String webRoot();

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
}
