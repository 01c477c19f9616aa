package dev.ticketing.gateway;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Near the descriptor limit, idle client connections are closed at once, long before the keep-alive. */
@QuarkusTest
@TestProfile(IdleConnections.UnderPressure.class)
class IdleDescriptorPressureTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void idleConnectionsAreClosedAtOnceWellBeforeTheKeepAlive() throws Exception {
        try (Socket socket = IdleConnections.idleConnection(base)) {
            assertTrue(IdleConnections.closedWithin(socket, 10_000), "closed under pressure although the keep-alive is 75 s");
        }
    }
}
