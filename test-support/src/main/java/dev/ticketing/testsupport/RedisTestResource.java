package dev.ticketing.testsupport;

import dev.ticketing.engines.Engine;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Points a service at the running Redis ({@code TICKETING_REDIS_HOST}/{@code _PORT}, default 127.0.0.1:6379) on a
 * database index of its own (init arg {@code db}; the local stack uses 0), flushed when the resource starts. When
 * nothing answers there, the build's embedded Redis is used instead ({@link StoreAddress}).
 * Tests that need a clean room per class call {@link #flush(int)}. Init arg {@code flaky=true} puts a
 * {@link FlakyLink} named {@code redis-<db>} between the service and Redis, so a test can take Redis away.
 */
public class RedisTestResource implements QuarkusTestResourceLifecycleManager {

    private static StoreAddress address;
    private int db = 9;
    private boolean flaky;
    private FlakyLink link;

    @Override
    public void init(Map<String, String> initArgs) {
        db = Integer.parseInt(initArgs.getOrDefault("db", "9"));
        if (db < 1 || db > 15) {
            throw new IllegalArgumentException("test Redis db must be 1..15 (0 belongs to the local stack)");
        }
        flaky = Boolean.parseBoolean(initArgs.getOrDefault("flaky", "false"));
    }

    private static synchronized StoreAddress address() {
        if (address == null) {
            address = StoreAddress.resolve(System.getenv().getOrDefault("TICKETING_REDIS_HOST", "127.0.0.1"),
                    Integer.parseInt(System.getenv().getOrDefault("TICKETING_REDIS_PORT", "6379")), Engine.EMBEDDED_REDIS);
        }
        return address;
    }

    public static String host() {
        return address().host();
    }

    public static int port() {
        return address().port();
    }

    /** The link a {@code flaky=true} resource put in front of database {@code db}. */
    public static FlakyLink link(int db) {
        return FlakyLink.named("redis-" + db);
    }

    /** FLUSHDB on one database index; a plain RESP exchange so this module needs no Redis client. */
    public static void flush(int db) {
        try (Socket s = new Socket(host(), port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String dbs = Integer.toString(db);
            out.write(("*2\r\n$6\r\nSELECT\r\n$" + dbs.length() + "\r\n" + dbs + "\r\n*1\r\n$7\r\nFLUSHDB\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String replies = readLines(in, 2);
            if (!replies.equals("+OK\n+OK\n")) {
                throw new IllegalStateException("Redis refused SELECT/FLUSHDB: " + replies);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Redis at " + host() + ":" + port() + " is not reachable: " + e.getMessage(), e);
        }
    }

    private static String readLines(InputStream in, int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        int lines = 0;
        int c;
        while (lines < n && (c = in.read()) != -1) {
            if (c == '\r') {
                continue;
            }
            sb.append((char) c);
            if (c == '\n') {
                lines++;
            }
        }
        return sb.toString();
    }

    @Override
    public Map<String, String> start() {
        flush(db);
        if (flaky) {
            link = FlakyLink.open("redis-" + db, host(), port());
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + link.port() + "/" + db);
        }
        return Map.of("quarkus.redis.hosts", "redis://" + host() + ":" + port() + "/" + db);
    }

    @Override
    public void stop() {
        if (link != null) {
            link.close();
        }
    }
}
