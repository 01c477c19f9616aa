package dev.ticketing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one OpenAPI document of the public API, published with the chart (helm/ticketing/files/openapi.yaml) and served
 * by the edge at /openapi.yaml: the five services' own documents, written by their builds
 * (quarkus.smallrye-openapi.store-schema-directory=target/openapi), merged. Each operation is tagged with the service
 * that serves it; the only server is the edge ("/"). Two services naming a schema differently is an error: a client
 * generator would get one type for two shapes.
 */
final class OpenApiSpec {

    static final Path PUBLISHED = Path.of("files/openapi.yaml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper OUT = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final String HEADER = """
            # The public API of the ticketing platform behind the edge: the five services' own OpenAPI documents, merged.
            # GENERATED, do not edit: after an API change run
            #   ./mvnw -B package -DskipTests -pl auth-svc,search-svc,queue-svc,booking-svc,payment-svc
            #   ./mvnw -B test -pl deploy-tests -Dtest=OpenApiSpecTest -Dopenapi.update=true
            # The WebSocket of the waiting room and the events are described in docs/api.md.
            """;

    private OpenApiSpec() {
    }

    /** A service's document as its build stored it. */
    static Path stored(String service) {
        return Chart.repoRoot().resolve(service).resolve("target/openapi/openapi.json");
    }

    static String merged(String appVersion) {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        Map<String, JsonNode> pathItems = new TreeMap<>();
        Map<String, JsonNode> schemas = new TreeMap<>();
        Map<String, String> schemaOwner = new TreeMap<>();
        Map<String, JsonNode> securitySchemes = new TreeMap<>();
        ArrayNode tags = JsonNodeFactory.instance.arrayNode();
        String openapi = null;
        for (String service : Chart.SERVICES) {
            JsonNode doc = read(stored(service));
            openapi = doc.path("openapi").asText();
            tags.addObject().put("name", service).put("description", doc.path("info").path("title").asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> path = it.next();
                if (pathItems.containsKey(path.getKey())) {
                    throw new IllegalStateException(path.getKey() + " is served by two services");
                }
                ObjectNode item = path.getValue().deepCopy();
                item.fields().forEachRemaining(op -> {
                    if (op.getValue().isObject() && op.getValue().has("responses")) {
                        ObjectNode operation = (ObjectNode) op.getValue();
                        ArrayNode opTags = operation.withArray("tags");
                        opTags.removeAll();
                        opTags.add(service);
                    }
                });
                pathItems.put(path.getKey(), item);
            }
            JsonNode components = doc.path("components");
            components.path("schemas").fields().forEachRemaining(s -> {
                JsonNode earlier = schemas.putIfAbsent(s.getKey(), s.getValue());
                if (earlier != null && !earlier.equals(s.getValue())) {
                    throw new IllegalStateException("schema " + s.getKey() + " differs between "
                            + schemaOwner.get(s.getKey()) + " and " + service + ": rename one of the types");
                }
                schemaOwner.putIfAbsent(s.getKey(), service);
            });
            components.path("securitySchemes").fields().forEachRemaining(s -> {
                JsonNode earlier = securitySchemes.putIfAbsent(s.getKey(), s.getValue());
                if (earlier != null && !earlier.equals(s.getValue())) {
                    throw new IllegalStateException("security scheme " + s.getKey() + " differs in " + service);
                }
            });
        }
        pathItems.forEach(paths::set);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("openapi", openapi);
        out.putObject("info").put("title", "Ticketing public API").put("version", appVersion)
                .put("description", "Every operation the edge routes to a service, tagged with that service. "
                        + "Protected routes need `Authorization: Bearer <access token>` (auth-svc's login); "
                        + "holds and orders also need the waiting room's `X-Admission-Token`. Errors are "
                        + "application/problem+json.");
        out.putArray("servers").addObject().put("url", "/").put("description", "the edge");
        out.set("tags", tags);
        out.set("paths", paths);
        ObjectNode components = out.putObject("components");
        schemas.forEach(components.putObject("schemas")::set);
        securitySchemes.forEach(components.putObject("securitySchemes")::set);
        try {
            return HEADER + OUT.writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The services whose stored document is missing (their module was not packaged in this checkout). */
    static List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (String service : Chart.SERVICES) {
            if (!Files.isRegularFile(stored(service))) {
                missing.add(service);
            }
        }
        return missing;
    }

    static JsonNode read(Path file) {
        try {
            return file.toString().endsWith(".json") ? JSON.readTree(file.toFile()) : Chart.YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
