package dev.ticketing.gateway.edge;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.nio.file.Files;

/** Ready once the routing table is loaded (start-up fails otherwise) and reports what the gateway serves. */
@Readiness
@ApplicationScoped
public class RoutingTableHealth implements HealthCheck {

    private final Edge edge;

    public RoutingTableHealth(Edge edge) {
        this.edge = edge;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("routing-table")
                .up()
                .withData("routes", edge.table().routes().size())
                .withData("webRoot", edge.webRoot().toString())
                .withData("webRootPresent", Files.isDirectory(edge.webRoot()))
                .build();
    }
}
