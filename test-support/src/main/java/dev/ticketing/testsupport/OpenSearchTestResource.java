package dev.ticketing.testsupport;

import dev.ticketing.engines.Engine;
import dev.ticketing.engines.EngineLauncher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points a service at a real OpenSearch node: {@code TICKETING_OPENSEARCH_URL} if given, otherwise the node shared by
 * this build.
 */
public class OpenSearchTestResource implements QuarkusTestResourceLifecycleManager {

    public static String url() {
        String given = System.getenv("TICKETING_OPENSEARCH_URL");
        if (given != null && !given.isBlank()) {
            return given;
        }
        return EngineLauncher.fromEnvironment().shared(Engine.OPENSEARCH).address();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.elasticsearch.hosts", url().replaceFirst("^https?://", ""));
    }

    @Override
    public void stop() {
        // shared engine: its owner (the build) stops it
    }
}
