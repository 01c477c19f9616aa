package dev.ticketing.gateway;

import dev.ticketing.gateway.routing.Route;
import dev.ticketing.gateway.routing.RoutingTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real table the chart renders: each path of the public API lands on the service and auth the design says. */
class RoutingTableTest {

    static final RoutingTable TABLE = RoutingTable.load(Path.of("../../helm/ticketing/routes.yaml"));

    @Test
    void publicApiLandsWhereTheDesignSays() {
        assertRoute("/api/auth/login", "auth-svc", 8081, Route.Auth.PUBLIC, false);
        assertRoute("/api/auth/verify", "auth-svc", 8081, Route.Auth.PUBLIC, false);
        assertRoute("/api/search/performances", "search-svc", 8082, Route.Auth.PUBLIC, false);
        assertRoute("/api/search/suggest", "search-svc", 8082, Route.Auth.PUBLIC, false);
        assertRoute("/api/performances", "booking-svc", 8084, Route.Auth.PUBLIC, false);
        assertRoute("/api/performances/p-1", "booking-svc", 8084, Route.Auth.PUBLIC, false);
        assertRoute("/api/orders", "booking-svc", 8084, Route.Auth.USER, false);
        assertRoute("/api/orders/o-1/cancel", "booking-svc", 8084, Route.Auth.USER, false);
        assertRoute("/api/payments/o-1", "payment-svc", 8085, Route.Auth.USER, false);
    }

    @Test
    void firstMatchWinsForTheMoreSpecificRoutes() {
        // Regex routes sit above the prefix of the same service: the seat map is public, holds are not.
        assertRoute("/api/showtimes/s-1/seats", "booking-svc", 8084, Route.Auth.PUBLIC, false);
        assertRoute("/api/showtimes/s-1/holds", "booking-svc", 8084, Route.Auth.USER, false);
        // The waiting-room socket is the only websocket route; entries are plain protected HTTP.
        assertRoute("/api/queues/p-1/ws", "queue-svc", 8083, Route.Auth.USER, true);
        assertRoute("/api/queues/p-1/entries", "queue-svc", 8083, Route.Auth.USER, false);
        assertRoute("/api/queues/p-1/config", "queue-svc", 8083, Route.Auth.USER, false);
    }

    @Test
    void regexIsAnchoredAtTheStart() {
        assertRoute("/api/showtimes/x/api/queues/p/ws", "booking-svc", 8084, Route.Auth.USER, false);
        assertFalse(TABLE.match("/x/api/queues/p-1/ws").isPresent());
    }

    @Test
    void unknownPathsHaveNoRoute() {
        assertFalse(TABLE.match("/api/nothing").isPresent());
        assertFalse(TABLE.match("/").isPresent());
    }

    @Test
    void malformedTablesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RoutingTable.parse("routes: []\nservices: {}"));
        assertThrows(IllegalArgumentException.class, () -> RoutingTable.parse(
                "services: {a: 1}\nroutes:\n  - {path: /x, match: prefix, service: b, auth: public}"));
        assertThrows(IllegalArgumentException.class, () -> RoutingTable.parse(
                "services: {a: 1}\nroutes:\n  - {path: /x, match: prefix, service: a, auth: maybe}"));
        assertThrows(IllegalArgumentException.class, () -> RoutingTable.parse(
                "services: {a: 1}\nroutes:\n  - {path: '/x/[', match: regex, service: a, auth: public}"));
    }

    private static void assertRoute(String path, String service, int port, Route.Auth auth, boolean websocket) {
        Route route = TABLE.match(path).orElseThrow(() -> new AssertionError("no route for " + path));
        assertEquals(service, route.service(), path);
        assertEquals(port, route.port(), path);
        assertEquals(auth, route.auth(), path);
        assertEquals(websocket, route.websocket(), path);
        assertTrue(route.matches(path));
    }
}
