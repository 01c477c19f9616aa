package dev.ticketing.engines.opensearch;

import dev.ticketing.engines.EngineArgs;
import dev.ticketing.engines.ReadyFile;
import dev.ticketing.engines.Watchdog;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.bootstrap.BootstrapCheck;
import org.opensearch.bootstrap.BootstrapContext;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.BoundTransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A real single-node OpenSearch (Elasticsearch API) in this JVM, with the HTTP layer, the common analysis module and
 * Korean (nori) analysis. Ready once cluster health is at least yellow; exits when its owner process does.
 */
public final class OpenSearchNodeMain {

    /** Node's plugin-aware constructor is protected; production bootstrap checks do not apply to a dev node. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }

        @Override
        protected void validateNodeBeforeAcceptingRequests(BootstrapContext context, BoundTransportAddress address,
                                                           List<BootstrapCheck> checks) {
        }
    }

    public static void main(String[] argv) throws Exception {
        EngineArgs args = EngineArgs.parse(argv);
        Path dataDir = args.path("data-dir").toAbsolutePath();
        Path home = dataDir.resolve("home");
        for (String d : List.of("config", "plugins", "modules", "logs")) {
            Files.createDirectories(home.resolve(d));
        }
        int httpPort = args.intValue("port");
        int transportPort = args.intValue("second-port");
        Settings settings = Settings.builder()
                .put("cluster.name", "ticketing")
                .put("node.name", "ticketing-node-1")
                .put("path.home", home.toString())
                .put("path.data", dataDir.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                .put("transport.port", transportPort + "-" + (transportPort + 20))
                .put("discovery.type", "single-node")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", false)
                .build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), home.resolve("config"),
                () -> "ticketing-node-1");
        Node node = new EmbeddedNode(env, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class,
                NoriAnalysisPlugin.class));

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("[engine] close failed: " + e);
            }
        }, "opensearch-close"));
        Watchdog.exitWhenGone(args.ownerPid());
        node.start();

        String url = "http://127.0.0.1:" + httpPort;
        awaitYellow(url);
        ReadyFile.write(args.path("ready-file"), Map.of("url", url));
        System.out.println("[engine] opensearch ready at " + url);
        Thread.currentThread().join(); // the node's threads serve; we wait for a signal or the owner to go
    }

    private static void awaitYellow(String url) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/_cluster/health?wait_for_status=yellow&timeout=10s"))
                .timeout(Duration.ofSeconds(15)).build();
        while (true) {
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && !r.body().contains("\"status\":\"red\"")) {
                    return;
                }
            } catch (Exception notYet) {
                // HTTP answers only once the node has bound; keep asking
            }
            Thread.sleep(300);
        }
    }
}
