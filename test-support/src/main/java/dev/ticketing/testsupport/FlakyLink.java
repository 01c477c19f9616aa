package dev.ticketing.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP link between a service and one of its stores that a test can cut and restore: cut closes every open
 * connection and stops listening (new connections are refused, as from a crashed Redis or PostgreSQL); restore
 * listens again on the same port. The store itself keeps running, so other test JVMs sharing it are not disturbed.
 * Links are registered by name so a test finds the one its test resource created ({@link #named(String)}).
 */
public final class FlakyLink implements AutoCloseable {

    private static final Map<String, FlakyLink> LINKS = new ConcurrentHashMap<>();

    private final String name;
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket server;

    private FlakyLink(String name, String targetHost, int targetPort) throws IOException {
        this.name = name;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = listen(0);
        this.port = server.getLocalPort();
        accept(server);
    }

    /** Opens (or returns the open) link of this name to host:port. */
    public static FlakyLink open(String name, String targetHost, int targetPort) {
        return LINKS.computeIfAbsent(name, n -> {
            try {
                return new FlakyLink(n, targetHost, targetPort);
            } catch (IOException e) {
                throw new IllegalStateException("cannot open link " + n + ": " + e.getMessage(), e);
            }
        });
    }

    public static FlakyLink named(String name) {
        FlakyLink link = LINKS.get(name);
        if (link == null) {
            throw new IllegalStateException("no link named " + name + " (is the test resource started with flaky=true?)");
        }
        return link;
    }

    /** The local port the service connects to instead of the store's. */
    public int port() {
        return port;
    }

    public synchronized boolean isUp() {
        return server != null;
    }

    /** The store becomes unreachable: open connections are reset, new ones refused. */
    public synchronized void cut() {
        if (server == null) {
            return;
        }
        closeQuietly(server);
        server = null;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** The store is reachable again on the same port. */
    public synchronized void restore() {
        if (server != null) {
            return;
        }
        try {
            server = listen(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port + " again: " + e.getMessage(), e);
        }
        accept(server);
    }

    @Override
    public synchronized void close() {
        cut();
        LINKS.remove(name, this);
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true); // rebinding right after a cut, while closed connections sit in TIME_WAIT
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    private void accept(ServerSocket listening) {
        daemon("link-" + name + "-accept", () -> {
            while (!listening.isClosed()) {
                Socket client;
                try {
                    client = listening.accept();
                } catch (IOException closed) {
                    return;
                }
                connect(client);
            }
        });
    }

    private void connect(Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(targetHost, targetPort);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        synchronized (this) {
            if (server == null) { // cut while connecting
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            open.add(client);
            open.add(upstream);
        }
        daemon("link-" + name + "-up", () -> pump(client, upstream));
        daemon("link-" + name + "-down", () -> pump(upstream, client));
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the other side closed, or the link was cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
