package dev.ticketing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gateway API edge (flavours gateway-api, the default, and envoy-gateway): every route of routes.yaml is one
 * HTTPRoute rule, protected ones go through auth-svc's verify endpoint and public ones never do, the WebSocket route
 * keeps its sockets and its token carrier, bodies are capped and query strings stay out of the access log.
 */
class GatewayRoutingTest {

    private static final String AUTH_SVC = "ticketing-auth-svc";

    /** One HTTPRoute rule with the HTTPRoute carrying it. */
    private record Rule(JsonNode route, JsonNode rule) {
        String routeName() {
            return route.path("metadata").path("name").asText();
        }

        JsonNode path() {
            return rule.path("matches").get(0).path("path");
        }

        JsonNode filter(String type) {
            for (JsonNode f : rule.path("filters")) {
                if (type.equals(f.path("type").asText())) {
                    return f;
                }
            }
            return null;
        }
    }

    private static List<Rule> rules(Chart.Rendered r) {
        List<Rule> out = new ArrayList<>();
        for (JsonNode route : r.ofKind("HTTPRoute")) {
            for (JsonNode rule : route.path("spec").path("rules")) {
                assertEquals(1, rule.path("matches").size(), "one match per rule: " + rule);
                out.add(new Rule(route, rule));
            }
        }
        return out;
    }

    /** The rule serving a route of the table (regex routes carry a trailing ".*": anchored at the start only). */
    private static Rule ruleFor(List<Rule> rules, JsonNode route) {
        boolean regex = "regex".equals(route.path("match").asText());
        String value = route.path("path").asText() + (regex ? ".*" : "");
        String type = regex ? "RegularExpression" : "PathPrefix";
        List<Rule> matches = rules.stream().filter(r -> value.equals(r.path().path("value").asText())
                && type.equals(r.path().path("type").asText())).toList();
        assertEquals(1, matches.size(), () -> "route " + route + " appears " + matches.size() + " times");
        return matches.get(0);
    }

    @Test
    void everyRouteOfTheTableIsOneRuleWithItsBackend() {
        JsonNode table = Chart.routesTable();
        for (Chart.Rendered r : List.of(Chart.defaults(), Chart.envoyGateway())) {
            List<Rule> rules = rules(r);
            assertEquals(table.path("routes").size() + 1, rules.size(), "one rule per route plus the fan UI's /");
            for (JsonNode route : table.path("routes")) {
                Rule rule = ruleFor(rules, route);
                String service = route.path("service").asText();
                JsonNode backend = rule.rule().path("backendRefs");
                assertEquals(1, backend.size());
                assertEquals(Chart.svcName(service), backend.get(0).path("name").asText());
                assertEquals(table.path("services").path(service).asInt(), backend.get(0).path("port").asInt());
                JsonNode parent = rule.route().path("spec").path("parentRefs").get(0);
                assertEquals("Gateway", parent.path("kind").asText());
                assertEquals(Chart.RELEASE, parent.path("name").asText());
            }
            Rule ui = rules.stream().filter(x -> "/".equals(x.path().path("value").asText())).findFirst().orElseThrow();
            assertEquals("ticketing-web", ui.rule().path("backendRefs").get(0).path("name").asText());
            assertEquals("public", ui.route().path("metadata").path("labels").path("ticketing.dev/route-auth").asText());
            JsonNode gateway = r.get("Gateway", Chart.RELEASE);
            assertEquals("envoy-gateway", gateway.path("spec").path("gatewayClassName").asText());
        }
    }

    @Test
    void gatewayApiFlavourAuthenticatesEveryProtectedRouteWithTheStandardFilterAndNoPublicOne() {
        JsonNode table = Chart.routesTable();
        List<Rule> rules = rules(Chart.defaults());
        int protectedCount = 0;
        for (JsonNode route : table.path("routes")) {
            Rule rule = ruleFor(rules, route);
            JsonNode auth = rule.filter("ExternalAuth");
            if ("user".equals(route.path("auth").asText())) {
                protectedCount++;
                JsonNode ext = auth.path("externalAuth");
                assertEquals("HTTP", ext.path("protocol").asText());
                assertEquals(AUTH_SVC, ext.path("backendRef").path("name").asText());
                assertEquals(8081, ext.path("backendRef").path("port").asInt());
                assertEquals("/api/auth/verify", ext.path("http").path("path").asText());
                Set<String> sent = strings(ext.path("http").path("allowedHeaders"));
                assertTrue(sent.containsAll(Set.of("Authorization", "Sec-WebSocket-Protocol", "X-Forwarded-For")), sent::toString);
                assertEquals(Set.of("X-User-Id", "X-User-Roles"), strings(ext.path("http").path("allowedResponseHeaders")));
            } else {
                assertNull(auth, () -> "public route " + route + " must not be authenticated");
                // nobody vouched for a public caller: identity headers from the client are dropped
                assertEquals(Set.of("X-User-Id", "X-User-Roles"), strings(rule.filter("RequestHeaderModifier")
                        .path("requestHeaderModifier").path("remove")));
            }
            assertEquals(route.path("auth").asText(), rule.route().path("metadata").path("labels")
                    .path("ticketing.dev/route-auth").asText(), "an HTTPRoute never mixes public and protected rules");
        }
        assertTrue(protectedCount >= 5, "the table protects queue, holds, orders, payments");
        assertTrue(Chart.defaults().ofKind("SecurityPolicy").isEmpty(), "the standard flavour needs no Envoy policy");
    }

    @Test
    void envoyGatewayFlavourAuthenticatesExactlyTheProtectedHttpRoutes() {
        Chart.Rendered r = Chart.envoyGateway();
        for (Rule rule : rules(r)) {
            assertNull(rule.filter("ExternalAuth"), "Envoy Gateway authenticates by SecurityPolicy, not by filter");
        }
        assertEquals(1, r.ofKind("SecurityPolicy").size());
        JsonNode policy = r.get("SecurityPolicy", "ticketing-user").path("spec");
        Set<String> targets = new TreeSet<>();
        for (JsonNode t : policy.path("targetRefs")) {
            assertEquals("HTTPRoute", t.path("kind").asText());
            targets.add(t.path("name").asText());
        }
        Set<String> protectedRoutes = new TreeSet<>();
        for (JsonNode route : r.ofKind("HTTPRoute")) {
            String auth = route.path("metadata").path("labels").path("ticketing.dev/route-auth").asText();
            if ("user".equals(auth)) {
                protectedRoutes.add(route.path("metadata").path("name").asText());
            }
        }
        assertEquals(Set.of("ticketing-user", "ticketing-user-ws"), protectedRoutes);
        assertEquals(protectedRoutes, targets, "every protected HTTPRoute and no public one");
        // ...and every protected route of the table lives in one of them, every public one outside them
        List<Rule> rules = rules(r);
        for (JsonNode route : Chart.routesTable().path("routes")) {
            boolean isProtected = "user".equals(route.path("auth").asText());
            assertEquals(isProtected, targets.contains(ruleFor(rules, route).routeName()), route::toString);
        }
        JsonNode ext = policy.path("extAuth");
        assertFalse(ext.path("failOpen").asBoolean(true), "auth-svc down must not open protected routes");
        assertEquals(AUTH_SVC, ext.path("http").path("backendRefs").get(0).path("name").asText());
        assertEquals(8081, ext.path("http").path("backendRefs").get(0).path("port").asInt());
        assertEquals("/api/auth/verify", ext.path("http").path("path").asText());
        assertTrue(strings(ext.path("headersToExtAuth")).containsAll(Set.of("Authorization", "Sec-WebSocket-Protocol")),
                "the WebSocket route's token rides in Sec-WebSocket-Protocol: " + ext);
        assertEquals(Set.of("X-User-Id", "X-User-Roles"), strings(ext.path("http").path("headersToBackend")));
    }

    @Test
    void websocketRouteKeepsItsSocketsForAnHour() {
        for (Chart.Rendered r : List.of(Chart.defaults(), Chart.envoyGateway())) {
            boolean sawWebsocket = false;
            List<Rule> rules = rules(r);
            for (JsonNode route : Chart.routesTable().path("routes")) {
                Rule rule = ruleFor(rules, route);
                if (route.path("websocket").asBoolean(false)) {
                    sawWebsocket = true;
                    assertEquals("ticketing-user-ws", rule.routeName());
                    assertEquals("3600s", rule.rule().path("timeouts").path("request").asText());
                    assertEquals("3600s", rule.rule().path("timeouts").path("backendRequest").asText());
                } else {
                    assertTrue(rule.rule().path("timeouts").isMissingNode(), route::toString);
                }
            }
            assertTrue(sawWebsocket, "routes.yaml has a websocket route");
        }
        Chart.Rendered eg = Chart.envoyGateway();
        JsonNode ws = eg.get("BackendTrafficPolicy", "ticketing-websocket").path("spec");
        assertEquals("ticketing-user-ws", ws.path("targetRefs").get(0).path("name").asText());
        assertEquals(1, ws.path("targetRefs").size());
        assertEquals("3600s", ws.path("timeout").path("http").path("connectionIdleTimeout").asText());
        assertEquals("3600s", eg.get("ClientTrafficPolicy", "ticketing").path("spec").path("timeout").path("http")
                .path("streamIdleTimeout").asText());
    }

    @Test
    void envoyGatewayCapsBodiesAndLogsPathsWithoutQueryStrings() {
        Chart.Rendered r = Chart.envoyGateway();
        JsonNode body = r.get("BackendTrafficPolicy", "ticketing-body").path("spec");
        assertEquals("1048576", body.path("requestBuffer").path("limit").asText(), "1 MiB, like the local gateway");
        Set<String> targets = new TreeSet<>();
        body.path("targetRefs").forEach(t -> targets.add(t.path("name").asText()));
        assertEquals(Set.of("ticketing-public", "ticketing-user"), targets,
                "every route but the WebSocket upgrade, whose request is never buffered");

        JsonNode parametersRef = r.get("Gateway", Chart.RELEASE).path("spec").path("infrastructure").path("parametersRef");
        assertEquals("EnvoyProxy", parametersRef.path("kind").asText());
        JsonNode settings = r.get("EnvoyProxy", parametersRef.path("name").asText()).path("spec").path("telemetry")
                .path("accessLog").path("settings");
        assertEquals(1, settings.size());
        String format = settings.get(0).path("format").path("text").asText();
        assertTrue(format.contains("%REQ_WITHOUT_QUERY(:PATH)%"), format);
        assertFalse(format.contains("%REQ(:PATH)%") || format.contains("ORIGINAL_PATH"), "no query string: " + format);
        assertFalse(format.toLowerCase().contains("authorization") || format.toLowerCase().contains("sec-websocket"), format);
    }

    /**
     * routes.yaml says "the first matching entry wins"; Gateway API orders rules by Exact, then (in Envoy Gateway)
     * RegularExpression, then the longest PathPrefix. For every route's sample path both must pick the same route.
     */
    @Test
    void gatewayPrecedenceAgreesWithTheTablesFirstMatch() {
        List<JsonNode> table = new ArrayList<>();
        Chart.routesTable().path("routes").forEach(table::add);
        List<String> samples = new ArrayList<>();
        for (JsonNode route : table) {
            String path = route.path("path").asText();
            samples.add("regex".equals(route.path("match").asText()) ? path.replace("[^/]+", "p-1") : path + "x");
        }
        samples.addAll(List.of("/api/showtimes/s-1/seats", "/api/showtimes/s-1/holds", "/api/performances/p-1",
                "/api/performances/p-1/ticket-limit", "/api/queues/p-1/ws", "/api/queues/p-1/entries/me"));
        Comparator<JsonNode> precedence = Comparator
                .comparingInt((JsonNode r) -> "regex".equals(r.path("match").asText()) ? 0 : 1)
                .thenComparing(r -> -(r.path("path").asText().length() + ("regex".equals(r.path("match").asText()) ? 2 : 0)));
        List<JsonNode> byPrecedence = table.stream().sorted(precedence).toList();
        for (String sample : samples) {
            JsonNode first = table.stream().filter(r -> matches(r, sample)).findFirst().orElse(null);
            JsonNode gateway = byPrecedence.stream().filter(r -> matches(r, sample)).findFirst().orElse(null);
            assertEquals(first, gateway, "table and Gateway API disagree on " + sample);
        }
    }

    private static boolean matches(JsonNode route, String path) {
        String p = route.path("path").asText();
        return "regex".equals(route.path("match").asText()) ? Pattern.compile(p + ".*").matcher(path).matches()
                : path.startsWith(p);
    }

    @Test
    void routesAttachToAnExistingGatewayWhenTheChartCreatesNone() {
        Chart.Rendered r = Chart.render("existing-gateway", t -> t.set("image.registry", Chart.REGISTRY)
                .set("edge.gateway.create", "false")
                .set("edge.gateway.parentRefs[0].name", "public")
                .set("edge.gateway.parentRefs[0].namespace", "gateway-system")
                .set("edge.gateway.parentRefs[0].sectionName", "https"));
        assertTrue(r.ofKind("Gateway").isEmpty());
        for (JsonNode route : r.ofKind("HTTPRoute")) {
            JsonNode parent = route.path("spec").path("parentRefs");
            assertEquals(1, parent.size());
            assertEquals("public", parent.get(0).path("name").asText());
            assertEquals("gateway-system", parent.get(0).path("namespace").asText());
        }
        Exception noParent = assertThrows(Exception.class, () -> Chart.render("no-parent", t -> t
                .set("image.registry", Chart.REGISTRY).set("edge.gateway.create", "false")));
        assertTrue(noParent.getMessage().contains("edge.gateway.parentRefs is required"), noParent.getMessage());
    }

    @Test
    void hostAndTlsGoOnTheGatewayListenersAndTheRoutes() {
        Chart.Rendered r = Chart.allOptions();
        JsonNode listeners = r.get("Gateway", Chart.RELEASE).path("spec").path("listeners");
        assertEquals(2, listeners.size());
        JsonNode https = listeners.get(1);
        assertEquals("HTTPS", https.path("protocol").asText());
        assertEquals("tickets.example.com", https.path("hostname").asText());
        assertEquals("ticketing-tls", https.path("tls").path("certificateRefs").get(0).path("name").asText());
        for (JsonNode route : r.ofKind("HTTPRoute")) {
            assertEquals("tickets.example.com", route.path("spec").path("hostnames").get(0).asText());
        }
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
