package dev.ticketing.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared by the idle-connection tests: a keep-alive connection after one answer, and the profiles they run under. */
final class IdleConnections {

    private IdleConnections() {
    }

    /** An HTTP/1.1 keep-alive connection after one complete answer. */
    static Socket idleConnection(URI base) throws Exception {
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("GET /q/health/live HTTP/1.1\r\nHost: " + base.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "answer cut short: " + head);
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        String length = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .findFirst().orElseThrow().split(":")[1].strip();
        in.readNBytes(Integer.parseInt(length));
        return socket;
    }

    /** Waits for the server to close the connection: true when it did within the time. */
    static boolean closedWithin(Socket socket, int millis) throws Exception {
        socket.setSoTimeout(millis);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    /** The checkout's own routing table and UI (the tests run in devstack/gateway); no backend is called. */
    public static class Checkout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.routes-file", "../../helm/ticketing/routes.yaml", "gateway.web-root", "../../web",
                    "gateway.openapi-file", "../../helm/ticketing/files/openapi.yaml");
        }
    }

    public static class ShortKeepAlive extends Checkout {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = new java.util.HashMap<>(super.getConfigOverrides());
            c.put("gateway.client-keep-alive", "PT1S");
            return c;
        }
    }

    public static class UnderPressure extends Checkout {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = new java.util.HashMap<>(super.getConfigOverrides());
            // any open descriptor is "pressure": every idle connection goes at the next sweep, keep-alive or not
            c.put("gateway.descriptor-pressure", "0.000001");
            return c;
        }
    }
}
