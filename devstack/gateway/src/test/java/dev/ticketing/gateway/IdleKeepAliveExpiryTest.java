package dev.ticketing.gateway;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** An idle client connection is closed after the keep-alive. */
@QuarkusTest
@TestProfile(IdleConnections.ShortKeepAlive.class)
class IdleKeepAliveExpiryTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void anIdleConnectionIsClosedAfterTheKeepAlive() throws Exception {
        try (Socket socket = IdleConnections.idleConnection(base)) {
            assertTrue(IdleConnections.closedWithin(socket, 10_000), "closed after the 1 s keep-alive");
        }
    }
}
