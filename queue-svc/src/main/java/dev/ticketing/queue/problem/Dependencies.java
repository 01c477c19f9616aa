package dev.ticketing.queue.problem;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Tells Redis being down from a defect: a refused or dropped connection, a command timing out, or a Redis that is
 * still loading its append-only file after a restart. The first is answered 503 with Retry-After (the fan's place is
 * kept, the client comes again); anything else is a 500 and a log entry.
 */
final class Dependencies {

    private Dependencies() {
    }

    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof ConnectException || t instanceof ClosedChannelException || t instanceof SocketException
                    || t instanceof TimeoutException || t instanceof io.smallrye.mutiny.TimeoutException // a blocking call's give-up
                    // more commands waiting for a pooled Redis connection than the pool queues (a herd): come again
                    || t instanceof io.vertx.core.http.ConnectionPoolTooBusyException
                    || t.getClass().getSimpleName().equals("ConnectTimeoutException")
                    || message.startsWith("LOADING") || message.contains("Connection is closed")
                    || message.contains("CONNECTION_CLOSED")) { // the Redis client's word for a connection that died mid-command
                return true;
            }
        }
        return false;
    }
}
