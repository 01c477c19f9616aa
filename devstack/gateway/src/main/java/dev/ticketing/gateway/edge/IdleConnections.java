package dev.ticketing.gateway.edge;

import dev.ticketing.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Client keep-alive connections the way an edge keeps them: an idle one is closed after {@code clientKeepAlive}, and
 * when the process nears its descriptor limit the idle ones are closed at once, oldest first (nginx does the same when
 * it runs out of connections). A fan waiting in the queue holds the page's HTTP connection, idle, next to the waiting
 * room socket; without this, 7,500 waiting fans held three descriptors each here and the gateway ran out ("Too many
 * open files", 502 on the next fans' socket handshakes). Connections with a request in flight and upgraded ones
 * (WebSockets) are never closed here. Closing an idle keep-alive connection is ordinary HTTP/1.1: a client retries on
 * a new one.
 */
@ApplicationScoped
public class IdleConnections {

    private static final class State {
        int inFlight;
        boolean upgraded;
        long idleSince = System.nanoTime();
    }

    /**
     * Weak keys: a connection the client or the proxy closed is forgotten once collected, without a close handler of
     * ours (a connection has one, and the proxy of an upgraded one may want it).
     */
    private final Map<HttpConnection, State> connections = Collections.synchronizedMap(new WeakHashMap<>());
    private final long keepAliveNanos;
    private final double pressure;

    public IdleConnections(GatewayConfig config) {
        this.keepAliveNanos = config.clientKeepAlive().toNanos();
        this.pressure = config.descriptorPressure();
    }

    void install(@Observes Router router, Vertx vertx) {
        router.route().order(RouteConstants.ROUTE_ORDER_HEADERS + 1).handler(this::track);
        vertx.setPeriodic(1000, id -> sweep());
    }

    private void track(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        if (connection == null) {
            ctx.next();
            return;
        }
        State state = connections.computeIfAbsent(connection, c -> new State());
        synchronized (state) {
            state.inFlight++;
            if (ctx.request().headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true)) {
                state.upgraded = true;
            }
        }
        ctx.addEndHandler(v -> {
            synchronized (state) {
                state.inFlight--;
                state.idleSince = System.nanoTime();
            }
        });
        ctx.next();
    }

    private void sweep() {
        long now = System.nanoTime();
        List<Map.Entry<HttpConnection, Long>> idle = new ArrayList<>();
        synchronized (connections) {
            for (Map.Entry<HttpConnection, State> e : connections.entrySet()) {
                State s = e.getValue();
                synchronized (s) {
                    if (s.inFlight == 0 && !s.upgraded) {
                        idle.add(Map.entry(e.getKey(), s.idleSince));
                    }
                }
            }
        }
        for (Map.Entry<HttpConnection, Long> e : idle) {
            if (now - e.getValue() >= keepAliveNanos) {
                close(e.getKey()); // routine, not logged
            }
        }
        long[] fds = descriptors();
        if (fds != null && fds[0] > pressure * fds[1]) {
            // Down to well under the mark, oldest idle first.
            long excess = fds[0] - (long) (pressure * 0.9 * fds[1]);
            idle.sort(Comparator.comparingLong(Map.Entry::getValue));
            int drainedNow = 0;
            for (Map.Entry<HttpConnection, Long> e : idle) {
                if (drainedNow >= excess) {
                    break;
                }
                if (now - e.getValue() < keepAliveNanos && close(e.getKey())) {
                    drainedNow++;
                }
            }
            if (drainedNow > 0) {
                Log.infof("%d of %d descriptors open: closed %d idle client connections", fds[0], fds[1], drainedNow);
            }
        }
    }

    /** Closes the connection if it is still idle; a closed one is forgotten. */
    private boolean close(HttpConnection connection) {
        State s = connections.get(connection);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            if (s.inFlight > 0 || s.upgraded) {
                return false; // a request arrived since the sweep looked
            }
            s.upgraded = true; // never again: the connection is going
        }
        connections.remove(connection);
        connection.close();
        return true;
    }

    /** Open and maximum descriptors of this process (null where the JVM cannot tell). */
    private static long[] descriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return new long[] {unix.getOpenFileDescriptorCount(), unix.getMaxFileDescriptorCount()};
        }
        return null;
    }
}
