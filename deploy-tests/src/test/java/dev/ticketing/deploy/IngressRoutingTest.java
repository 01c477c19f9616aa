package dev.ticketing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** edge.flavor ingress-nginx: the Ingress objects say exactly what routes.yaml says, with its auth and WebSocket settings. */
class IngressRoutingTest {

    private static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
    private static final String VERIFY = "http://ticketing-auth-svc.ticketing.svc.cluster.local:8081/api/auth/verify";

    /** An Ingress path entry together with the Ingress carrying it. */
    private record IngressPath(JsonNode ingress, JsonNode path) {
        String annotation(String key) {
            JsonNode v = ingress.path("metadata").path("annotations").get(key);
            return v == null ? null : v.asText();
        }
    }

    private static List<IngressPath> paths(Chart.Rendered r) {
        List<IngressPath> out = new ArrayList<>();
        for (JsonNode ingress : r.ofKind("Ingress")) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode p : rule.path("http").path("paths")) {
                    out.add(new IngressPath(ingress, p));
                }
            }
        }
        return out;
    }

    @Test
    void everyRouteOfTheTableIsServedOnceWithItsBackendAndPathType() {
        JsonNode table = Chart.routesTable();
        List<IngressPath> paths = paths(Chart.ingressNginx());
        // one Ingress path per route, plus the fan UI's "/"
        assertEquals(table.path("routes").size() + 1, paths.size(), "one Ingress path per route, no more");
        IngressPath ui = paths.stream().filter(p -> "/".equals(p.path().path("path").asText())).findFirst().orElseThrow();
        assertEquals("ticketing-web", ui.path().path("backend").path("service").path("name").asText());
        assertNull(ui.annotation(AUTH_URL), "the fan UI is public");
        for (JsonNode route : table.path("routes")) {
            String path = route.path("path").asText();
            List<IngressPath> matches = paths.stream().filter(p -> path.equals(p.path().path("path").asText())).toList();
            assertEquals(1, matches.size(), () -> "route " + path + " appears " + matches.size() + " times");
            IngressPath ip = matches.get(0);
            String service = route.path("service").asText();
            JsonNode backend = ip.path().path("backend").path("service");
            assertEquals(Chart.svcName(service), backend.path("name").asText(), path);
            assertEquals("http", backend.path("port").path("name").asText(), path);
            assertEquals("nginx", ip.ingress().path("spec").path("ingressClassName").asText(), path);
            boolean regex = "regex".equals(route.path("match").asText());
            assertEquals(regex ? "ImplementationSpecific" : "Prefix", ip.path().path("pathType").asText(), path);
            if (regex) {
                assertEquals("true", ip.annotation("nginx.ingress.kubernetes.io/use-regex"), path);
            }
            // The Service behind it listens on the port routes.yaml declares for that service.
            JsonNode svc = Chart.ingressNginx().get("Service", Chart.svcName(service));
            assertEquals(table.path("services").path(service).asInt(), svc.path("spec").path("ports").get(0).path("port").asInt(),
                    path);
        }
    }

    @Test
    void protectedRoutesAskAuthSvcVerifyAndPublicRoutesDoNot() {
        JsonNode table = Chart.routesTable();
        List<IngressPath> paths = paths(Chart.ingressNginx());
        int protectedCount = 0;
        for (JsonNode route : table.path("routes")) {
            String path = route.path("path").asText();
            IngressPath ip = paths.stream().filter(p -> path.equals(p.path().path("path").asText())).findFirst()
                    .orElseThrow();
            if ("user".equals(route.path("auth").asText())) {
                protectedCount++;
                assertEquals(VERIFY, ip.annotation(AUTH_URL), path);
                assertEquals("X-User-Id,X-User-Roles", ip.annotation("nginx.ingress.kubernetes.io/auth-response-headers"),
                        path);
            } else {
                assertEquals("public", route.path("auth").asText(), path);
                assertNull(ip.annotation(AUTH_URL), () -> "public route " + path + " must not carry auth-url");
            }
        }
        assertTrue(protectedCount >= 5, "the table protects queue, holds, orders, payments");
    }

    @Test
    void websocketRouteHasLongTimeoutsAndTheOthersKeepTheDefaults() {
        JsonNode table = Chart.routesTable();
        List<IngressPath> paths = paths(Chart.ingressNginx());
        boolean sawWebsocket = false;
        for (JsonNode route : table.path("routes")) {
            String path = route.path("path").asText();
            IngressPath ip = paths.stream().filter(p -> path.equals(p.path().path("path").asText())).findFirst()
                    .orElseThrow();
            // every route refuses oversized bodies at the edge, like the local gateway
            assertEquals("1m", ip.annotation("nginx.ingress.kubernetes.io/proxy-body-size"), path);
            if (route.path("websocket").asBoolean(false)) {
                sawWebsocket = true;
                assertEquals("3600", ip.annotation("nginx.ingress.kubernetes.io/proxy-read-timeout"), path);
                assertEquals("3600", ip.annotation("nginx.ingress.kubernetes.io/proxy-send-timeout"), path);
            } else {
                assertNull(ip.annotation("nginx.ingress.kubernetes.io/proxy-read-timeout"), path);
            }
        }
        assertTrue(sawWebsocket, "routes.yaml has a websocket route");
    }

    @Test
    void stickyFree() {
        Chart.Rendered r = Chart.ingressNginx();
        for (JsonNode ingress : r.ofKind("Ingress")) {
            ingress.path("metadata").path("annotations").fieldNames().forEachRemaining(k ->
                    assertFalse(k.contains("affinity") || k.contains("session-cookie"), "sticky annotation " + k));
        }
        for (JsonNode svc : r.ofKind("Service")) {
            assertEquals("None", svc.path("spec").path("sessionAffinity").asText("None"));
        }
    }

    @Test
    void hostAndTlsApplyToEveryIngress() {
        Chart.Rendered r = Chart.render("ingress-nginx-tls", t -> t.set("image.registry", Chart.REGISTRY)
                .set("edge.flavor", "ingress-nginx").set("edge.host", "tickets.example.com").set("edge.tls.enabled", "true"));
        assertEquals(3, r.ofKind("Ingress").size(), r.names()::toString);
        for (JsonNode ingress : r.ofKind("Ingress")) {
            assertEquals("tickets.example.com", ingress.path("spec").path("rules").get(0).path("host").asText());
            JsonNode tls = ingress.path("spec").path("tls");
            assertNotNull(tls.get(0), "tls on " + ingress.path("metadata").path("name"));
            assertEquals("tickets.example.com", tls.get(0).path("hosts").get(0).asText());
        }
    }
}
