package dev.ticketing.booking.problem;

import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a store being down or saturated from a defect. PostgreSQL: no connection, no pooled connection free before
 * the acquisition timeout (the fault suite's lock storm), too many clients, a lock or serialization give-up. Redis
 * (the seat gate, which normally fails open): a refused or dropped connection or a timeout. The first is answered 503
 * with Retry-After so clients come again; anything else is a 500 and a log entry.
 */
final class Dependencies {

    private Dependencies() {
    }

    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // The blocking Redis client gives up after quarkus.redis.timeout with Mutiny's own TimeoutException, which
            // is not java.util.concurrent's: a Redis too busy to answer in time (a long overload) is still a 503.
            if (t instanceof ConnectException || t instanceof SocketException || t instanceof TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException || t instanceof SQLTransientException
                    // more commands waiting for a pooled Redis connection than the pool queues: come again
                    || t instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
                return true;
            }
            if (t instanceof SQLException sql && (String.valueOf(sql.getMessage()).contains("acquisition timeout")
                    || transientState(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** 08 connection exception, 53 insufficient resources, 57P0x operator intervention, 55P03 lock, 40 rollback. */
    private static boolean transientState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P0")
                || state.equals("55P03") || state.startsWith("40"));
    }
}
