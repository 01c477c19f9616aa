package dev.ticketing.auth.rest;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Tells PostgreSQL being down or saturated from a defect: no connection (refused, dropped, shutting down), no pooled
 * connection free before the acquisition timeout, too many clients, a lock or serialization give-up. The first is
 * answered 503 with Retry-After so clients come again; anything else is a 500 and a log entry.
 */
final class Dependencies {

    private Dependencies() {
    }

    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof SQLTransientException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                // Agroal's pool timeout has no SQLState; 08 connection, 53 resources, 57P0x shutdown, 40 rollbacks
                if (String.valueOf(sql.getMessage()).contains("acquisition timeout") || state.startsWith("08")
                        || state.startsWith("53") || state.startsWith("57P0") || state.startsWith("40")) {
                    return true;
                }
            }
        }
        return false;
    }
}
