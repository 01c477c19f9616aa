package dev.ticketing.gateway;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** An idle client connection is kept within the keep-alive (75 s) when descriptors are plentiful. */
@QuarkusTest
@TestProfile(IdleConnections.Checkout.class)
class IdleKeepAliveTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void anIdleConnectionIsKeptWithinTheKeepAlive() throws Exception {
        try (Socket socket = IdleConnections.idleConnection(base)) {
            assertTrue(!IdleConnections.closedWithin(socket, 3000), "kept: 75 s keep-alive, no pressure");
        }
    }
}
