package dev.ticketing.queue.problem;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a store that is down or saturated (Redis: refused or dropped connections, a Redis still loading its
 * append-only file, a connection pool with nothing free before its acquisition timeout) from a defect. The first is
 * answered 503 with Retry-After, so clients back off and come again; the second is a 500 and a log entry.
 */
final class Dependencies {

    private Dependencies() {
    }

    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof ConnectException || t instanceof ClosedChannelException || t instanceof SocketException
                    || t instanceof TimeoutException || t instanceof SQLTransientException
                    || t.getClass().getName().endsWith("ConnectTimeoutException")
                    || t.getClass().getName().endsWith("ConnectionPoolTooBusyException")
                    || message.startsWith("LOADING") || message.contains("Connection is closed")
                    || message.contains("Connection refused") || message.contains("acquisition timeout")) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08 connection, 53 insufficient resources, 57P0x shutdown, 55P03 lock timeout, 40 rollbacks
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P0")
                        || state.equals("55P03") || state.startsWith("40")) {
                    return true;
                }
            }
        }
        return false;
    }
}
