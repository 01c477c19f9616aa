package dev.ticketing.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * helm/ticketing/routes.yaml, read once at start-up. The first matching route wins, exactly as the table's comment
 * says, so the local gateway and the ingress agree on every path. A malformed table fails start-up rather than
 * routing something the ingress would route differently.
 */
public final class RoutingTable {

    private final List<Route> routes;

    private RoutingTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public static RoutingTable load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the routing table " + file.toAbsolutePath(), e);
        }
    }

    public static RoutingTable parse(String yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("routing table is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.path("routes").isArray() || !root.path("services").isObject()) {
            throw new IllegalArgumentException("routing table needs a 'services' map and a 'routes' list");
        }
        JsonNode services = root.get("services");
        List<Route> routes = new ArrayList<>();
        for (JsonNode r : root.get("routes")) {
            String path = text(r, "path");
            String service = text(r, "service");
            JsonNode port = services.get(service);
            if (port == null || !port.canConvertToInt()) {
                throw new IllegalArgumentException("route " + path + ": service '" + service + "' has no port under services");
            }
            Route.Match match = enumOf(Route.Match.class, r.path("match").asText("prefix"), path);
            Route.Auth auth = enumOf(Route.Auth.class, text(r, "auth"), path);
            Pattern regex = null;
            if (match == Route.Match.REGEX) {
                try {
                    regex = Pattern.compile(path);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("route " + path + ": bad regular expression", e);
                }
            } else if (!path.startsWith("/")) {
                throw new IllegalArgumentException("route " + path + ": a prefix must start with /");
            }
            routes.add(new Route(path, match, service, port.asInt(), auth, r.path("websocket").asBoolean(false), regex));
        }
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("routing table has no routes");
        }
        return new RoutingTable(routes);
    }

    /** The first route whose path matches, in file order. */
    public Optional<Route> match(String requestPath) {
        for (Route route : routes) {
            if (route.matches(requestPath)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    public List<Route> routes() {
        return routes;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("route " + node + ": missing '" + field + "'");
        }
        return value.asText();
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value, String path) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("route " + path + ": unknown " + type.getSimpleName().toLowerCase(Locale.ROOT)
                    + " '" + value + "'", e);
        }
    }
}
