package dev.ticketing.queue.problem;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regression test from the fault suite: while Redis restarts, the blocking Redis client fails with a
 * CompletionException around Netty's connect failure; that reached the fans as a bare 500. It is a 503 with
 * Retry-After now, and a real defect stays a 500, both as problem+json.
 */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void redisDownOrLoadingIs503WithRetryAfter() {
        // what the fault run saw: CompletionException <- Netty's AnnotatedConnectException (a ConnectException)
        Exception refused = new CompletionException(new ConnectException("Connection refused: /127.0.0.1:16379"));
        Response r = mappers.unexpected(refused);
        assertEquals(503, r.getStatus());
        assertEquals("2", r.getHeaderString("Retry-After"));
        assertEquals(Problem.MEDIA_TYPE, r.getMediaType().toString());

        Exception loading = new CompletionException(new RuntimeException("LOADING Redis is loading the dataset in memory"));
        assertEquals(503, mappers.unexpected(loading).getStatus());

        // Redis killed while a command was in flight (a clean-clone fault run): the client fails it this way
        assertEquals(503, mappers.unexpected(new CompletionException(new RuntimeException("CONNECTION_CLOSED"))).getStatus());
        // …and with a bare Throwable, as Vert.x' NoStackTraceThrowable is: it must reach this mapper too
        assertEquals(503, mappers.unexpected(new Throwable("Connection is closed")).getStatus());
        assertEquals(503, mappers.unexpected(new Throwable("CONNECTION_CLOSED")).getStatus());
        // a Redis too busy to answer within quarkus.redis.timeout: Mutiny's TimeoutException, not java.util.concurrent's
        assertEquals(503, mappers.unexpected(new CompletionException(new io.smallrye.mutiny.TimeoutException())).getStatus());
        // more commands waiting for a pooled connection than the pool queues (everyone leaving at the sell-out)
        assertEquals(503, mappers.unexpected(new io.vertx.core.http.ConnectionPoolTooBusyException(
                "Connection pool reached max wait queue size of 4096")).getStatus());
    }

    @Test
    void aDefectIsStillA500() {
        Response r = mappers.unexpected(new IllegalStateException("bug"));
        assertEquals(500, r.getStatus());
        assertEquals(Problem.MEDIA_TYPE, r.getMediaType().toString());
    }
}
