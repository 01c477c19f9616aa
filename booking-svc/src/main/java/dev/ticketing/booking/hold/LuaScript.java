package dev.ticketing.booking.hold;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script sent by its SHA1 (EVALSHA: the text crosses the wire once, not on every call), and sent whole only
 * when the server does not know it (NOSCRIPT: a restart, a SCRIPT FLUSH, a new replica), which also caches it again.
 */
final class LuaScript {

    private final String text;
    private final String sha;

    LuaScript(String text) {
        this.text = text;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Response call(RedisDataSource redis, List<String> keys, String... args) {
        try {
            return redis.execute("EVALSHA", arguments(sha, keys, args));
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("NOSCRIPT")) {
                throw e;
            }
            return redis.execute("EVAL", arguments(text, keys, args));
        }
    }

    /** The same, without blocking: for the refusal path, answered on the event loop. */
    Uni<Response> callAsync(ReactiveRedisDataSource redis, List<String> keys, String... args) {
        return redis.execute("EVALSHA", arguments(sha, keys, args)).onFailure(
                e -> String.valueOf(e.getMessage()).contains("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", arguments(text, keys, args)));
    }

    private static String[] arguments(String script, List<String> keys, String... args) {
        List<String> all = new ArrayList<>(2 + keys.size() + args.length);
        all.add(script);
        all.add(Integer.toString(keys.size()));
        all.addAll(keys);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }
}
