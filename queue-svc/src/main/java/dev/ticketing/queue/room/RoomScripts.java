package dev.ticketing.queue.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.queue.config.QueueConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Runs the room's Lua scripts (src/main/resources/lua) without blocking: each is the key table of {@link RoomKeys},
 * the shared prelude room.lua and its own body. Arguments travel as one JSON object (ARGV[1], read by name), the
 * answer is one JSON object mapped onto a record. Sent by SHA (EVALSHA), in full only when Redis does not know it
 * (restart, failover, new node): one round trip per call.
 */
@ApplicationScoped
public class RoomScripts {

    public enum Script {
        ENTER, ADMIT, GRANT, POSITIONS, LEAVE, DISCONNECT, RELEASE, PERFORMANCE, CONFIGURE, AVAILABILITY
    }

    private record Loaded(String source, String sha) {
    }

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    /** The room defaults as the start of a JSON object, written once: {@code {"capacity":100,...} without "}". */
    private final String common;
    private final Map<Script, Loaded> scripts = new EnumMap<>(Script.class);

    public RoomScripts(ReactiveRedisDataSource redis, ObjectMapper json, QueueConfig config) {
        this.redis = redis;
        this.json = json;
        QueueConfig.RoomDefaults d = config.defaults();
        try {
            String all = json.writeValueAsString(Map.of(
                    "capacity", d.capacity(),
                    "sessionTtlSeconds", d.sessionTtlSeconds(),
                    "admitPerSecond", d.admitPerSecond(),
                    "graceMs", config.reconnectGrace().toMillis(),
                    "windowSeconds", config.rateWindowSeconds(),
                    "auditMax", config.auditMax()));
            this.common = all.substring(0, all.length() - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String prelude = RoomKeys.luaTable() + read("room.lua");
        for (Script s : Script.values()) {
            String source = prelude + "\n" + read(s.name().toLowerCase() + ".lua");
            scripts.put(s, new Loaded(source, sha1(source)));
        }
    }

    /** Runs {@code script} on the room with the room defaults plus {@code args}; the JSON answer as {@code reply}. */
    public <T> Uni<T> run(Script script, String performanceId, Map<String, ?> args, Class<T> reply) {
        String argv;
        try {
            // The script's own arguments after the defaults (a key in both: the script's, last one wins in cjson).
            argv = args.isEmpty() ? common + "}" : common + "," + json.writeValueAsString(args).substring(1);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Loaded loaded = scripts.get(script);
        List<String> keys = new RoomKeys(performanceId).all();
        String[] cmd = new String[3 + keys.size()];
        cmd[0] = loaded.sha();
        cmd[1] = Integer.toString(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            cmd[2 + i] = keys.get(i);
        }
        cmd[cmd.length - 1] = argv;
        return redis.execute("EVALSHA", cmd)
                .onFailure(RoomScripts::unknownScript).recoverWithUni(() -> {
                    String[] full = cmd.clone();
                    full[0] = loaded.source();
                    return redis.execute("EVAL", full);
                })
                .map(r -> parse(r, reply, script));
    }

    private static boolean unknownScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("NOSCRIPT");
    }

    private <T> T parse(Response r, Class<T> reply, Script script) {
        try {
            return json.readValue(r.toString(), reply);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable answer of lua/" + script.name().toLowerCase() + ".lua", e);
        }
    }

    private static String read(String name) {
        try (InputStream in = RoomScripts.class.getResourceAsStream("/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script lua/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
