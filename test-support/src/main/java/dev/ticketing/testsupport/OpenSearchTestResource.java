package dev.ticketing.testsupport;

import dev.ticketing.engines.Engine;
import dev.ticketing.engines.EngineLauncher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points a service at a real OpenSearch node: {@code TICKETING_OPENSEARCH_URL} if given, otherwise the node shared by
 * this build. Init arg {@code flaky=true} puts a {@link FlakyLink} named {@code opensearch} between the service and the
 * node, so a test can take OpenSearch away.
 */
public class OpenSearchTestResource implements QuarkusTestResourceLifecycleManager {

    private boolean flaky;
    private FlakyLink link;

    @Override
    public void init(Map<String, String> initArgs) {
        flaky = Boolean.parseBoolean(initArgs.getOrDefault("flaky", "false"));
    }

    public static FlakyLink link() {
        return FlakyLink.named("opensearch");
    }

    public static String url() {
        String given = System.getenv("TICKETING_OPENSEARCH_URL");
        if (given != null && !given.isBlank()) {
            return given;
        }
        return EngineLauncher.fromEnvironment().shared(Engine.OPENSEARCH).address();
    }

    @Override
    public Map<String, String> start() {
        String hostPort = url().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
        if (flaky) {
            int colon = hostPort.lastIndexOf(':');
            link = FlakyLink.open("opensearch", hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
            hostPort = "127.0.0.1:" + link.port();
        }
        return Map.of("quarkus.elasticsearch.hosts", hostPort);
    }

    @Override
    public void stop() {
        // shared engine: its owner (the build) stops it; only our link goes
        if (link != null) {
            link.close();
        }
    }
}
