package dev.ticketing.booking.problem;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is a store being down or saturated (503 + Retry-After) and what is a defect (500). */
class DependenciesTest {

    @Test
    void aStoreThatDoesNotAnswerInTimeIsUnavailable() {
        // the blocking Redis client's give-up after quarkus.redis.timeout, as it reaches the mapper
        assertTrue(Dependencies.unavailable(new CompletionException(new io.smallrye.mutiny.TimeoutException())));
        assertTrue(Dependencies.unavailable(new java.util.concurrent.TimeoutException()));
        assertTrue(Dependencies.unavailable(new io.vertx.core.http.ConnectionPoolTooBusyException(
                "Connection pool reached max wait queue size of 4096")));
        assertTrue(Dependencies.unavailable(new IllegalStateException(new ConnectException("refused"))));
        assertTrue(Dependencies.unavailable(new SQLException("Sorry, acquisition timeout while waiting for new connection")));
        assertTrue(Dependencies.unavailable(new SQLException("terminating connection", "57P01")));
    }

    @Test
    void aDefectIsNot() {
        assertFalse(Dependencies.unavailable(new IllegalArgumentException("bad")));
        assertFalse(Dependencies.unavailable(new NullPointerException()));
        assertFalse(Dependencies.unavailable(new SQLException("syntax error", "42601")));
    }
}
