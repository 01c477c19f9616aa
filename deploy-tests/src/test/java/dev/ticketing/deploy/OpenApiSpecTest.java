package dev.ticketing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The merged OpenAPI document the chart publishes (and both edges serve at /openapi.yaml) is the services' own, as
 * their builds wrote them, and agrees with the routing table: every path goes to the service that serves it.
 */
class OpenApiSpecTest {

    private static String appVersion;

    @BeforeAll
    static void servicesWereBuilt() {
        List<String> missing = OpenApiSpec.missing();
        if (!missing.isEmpty()) {
            fail("no OpenAPI document stored by the build of " + missing + " (target/openapi/openapi.json): package "
                    + "the services first, e.g. ./mvnw -B package -DskipTests -pl " + String.join(",", missing));
        }
        appVersion = Chart.YAML.convertValue(OpenApiSpec.read(Chart.dir().resolve("Chart.yaml")), Map.class)
                .get("appVersion").toString();
    }

    @Test
    void thePublishedSpecIsTheMergeOfTheServicesOwn() throws IOException {
        String merged = OpenApiSpec.merged(appVersion);
        Path published = Chart.dir().resolve(OpenApiSpec.PUBLISHED);
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(published, merged);
        }
        Path fresh = SchemaValidator.moduleDir().resolve("target/openapi.yaml");
        Files.createDirectories(fresh.getParent());
        Files.writeString(fresh, merged);
        String current = Files.exists(published) ? Files.readString(published) : "";
        if (!merged.equals(current)) {
            fail(published + " is stale: the services' APIs changed. The fresh merge is in " + fresh
                    + "; regenerate with ./mvnw -B test -pl deploy-tests -Dtest=OpenApiSpecTest -Dopenapi.update=true");
        }
    }

    @Test
    void theMergeTagsEveryOperationWithItsServiceAndKeepsEverySchema() {
        JsonNode spec = Chart.YAML.valueToTree(parse(OpenApiSpec.merged(appVersion)));
        int operations = 0;
        for (String service : Chart.SERVICES) {
            JsonNode own = OpenApiSpec.read(OpenApiSpec.stored(service));
            for (var path = own.path("paths").fields(); path.hasNext(); ) {
                var item = path.next();
                for (var op = item.getValue().fields(); op.hasNext(); ) {
                    var operation = op.next();
                    JsonNode merged = spec.path("paths").path(item.getKey()).path(operation.getKey());
                    assertFalse(merged.isMissingNode(), item.getKey() + " " + operation.getKey() + " of " + service);
                    assertEquals(service, merged.path("tags").path(0).asText(), item.getKey());
                    assertEquals(1, merged.path("tags").size(), item.getKey());
                    operations++;
                }
            }
            own.path("components").path("schemas").fieldNames().forEachRemaining(name ->
                    assertTrue(spec.path("components").path("schemas").has(name), name + " of " + service));
        }
        assertTrue(operations >= 25, "the public API has at least 25 operations, merged " + operations);
        assertEquals("/", spec.path("servers").path(0).path("url").asText(), "one server: the edge");
        assertEquals(1, spec.path("servers").size());
        assertEquals(appVersion, spec.path("info").path("version").asText());
    }

    /** A path the table sends elsewhere (or nowhere) would be a 404 through the edge, whatever the service offers. */
    @Test
    void everyPathOfTheSpecIsRoutedToTheServiceThatServesIt() {
        List<JsonNode> table = new ArrayList<>();
        Chart.routesTable().path("routes").forEach(table::add);
        List<String> wrong = new ArrayList<>();
        for (String service : Chart.SERVICES) {
            OpenApiSpec.read(OpenApiSpec.stored(service)).path("paths").fieldNames().forEachRemaining(path -> {
                String sample = path.replaceAll("\\{[^}]+}", "p-1");
                String routedTo = table.stream().filter(r -> matches(r, sample)).findFirst()
                        .map(r -> r.path("service").asText()).orElse("nothing");
                if (!service.equals(routedTo)) {
                    wrong.add(path + " is served by " + service + " but routed to " + routedTo);
                }
            });
        }
        assertEquals(List.of(), wrong);
    }

    /** Published with the chart: a ConfigMap holding the file, mounted into the fan UI's server at /openapi.yaml. */
    @Test
    void theChartPublishesTheSpecThroughTheFanUi() throws IOException {
        Chart.Rendered r = Chart.defaults();
        String published = Files.readString(Chart.dir().resolve(OpenApiSpec.PUBLISHED));
        JsonNode cm = r.get("ConfigMap", Chart.RELEASE + "-openapi");
        assertEquals(published, cm.path("data").path("openapi.yaml").asText(), "the ConfigMap holds the file as is");
        JsonNode pod = r.get("Deployment", Chart.svcName("web")).path("spec").path("template").path("spec");
        JsonNode mount = null;
        for (JsonNode m : pod.path("containers").path(0).path("volumeMounts")) {
            if ("/usr/share/nginx/html/openapi.yaml".equals(m.path("mountPath").asText())) {
                mount = m;
            }
        }
        assertTrue(mount != null, "the web container serves /openapi.yaml");
        assertEquals("openapi.yaml", mount.path("subPath").asText());
        assertTrue(mount.path("readOnly").asBoolean(), "mounted read-only");
        String volume = mount.path("name").asText();
        boolean fromConfigMap = false;
        for (JsonNode v : pod.path("volumes")) {
            fromConfigMap |= volume.equals(v.path("name").asText())
                    && (Chart.RELEASE + "-openapi").equals(v.path("configMap").path("name").asText());
        }
        assertTrue(fromConfigMap, "the volume is the openapi ConfigMap");
        String nginx = Files.readString(Chart.repoRoot().resolve("k8s/images/web/default.conf"));
        assertTrue(Pattern.compile("location = /openapi\\.yaml \\{[^}]*default_type application/yaml;", Pattern.DOTALL)
                .matcher(nginx.replaceAll("types \\{ *}", "")).find(), "nginx serves it as application/yaml");
    }

    private static boolean matches(JsonNode route, String path) {
        String p = route.path("path").asText();
        return "regex".equals(route.path("match").asText()) ? Pattern.compile(p + ".*").matcher(path).matches()
                : path.startsWith(p);
    }

    private static Object parse(String yaml) {
        try {
            return Chart.YAML.readValue(yaml, Object.class);
        } catch (IOException e) {
            throw new AssertionError("the merged spec is not YAML", e);
        }
    }
}
