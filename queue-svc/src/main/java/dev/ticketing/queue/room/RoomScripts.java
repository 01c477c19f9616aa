package dev.ticketing.queue.room;

import dev.ticketing.queue.config.QueueConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Runs the room's Lua scripts (src/main/resources/lua): each is the shared prelude room.lua plus its own body, sent
 * by SHA (EVALSHA) and re-sent in full when Redis does not know it (restart, failover, new node).
 */
@ApplicationScoped
public class RoomScripts {

    public enum Script {
        ENTER, ADMIT, POSITIONS, LEAVE, DISCONNECT, RELEASE, PERFORMANCE
    }

    private record Loaded(String source, String sha) {
    }

    private final RedisDataSource redis;
    private final QueueConfig config;
    private final Map<Script, Loaded> scripts = new EnumMap<>(Script.class);

    public RoomScripts(RedisDataSource redis, QueueConfig config) {
        this.redis = redis;
        this.config = config;
        String prelude = read("room.lua");
        for (Script s : Script.values()) {
            String source = prelude + "\n" + read(s.name().toLowerCase() + ".lua");
            scripts.put(s, new Loaded(source, sha1(source)));
        }
    }

    /** Runs {@code script} on the room with the common arguments followed by {@code args}. */
    public Response run(Script script, String performanceId, List<String> args) {
        List<String> keys = new RoomKeys(performanceId).all();
        QueueConfig.RoomDefaults d = config.defaults();
        List<String> argv = new ArrayList<>(6 + args.size());
        argv.add(Integer.toString(d.capacity()));
        argv.add(Integer.toString(d.sessionTtlSeconds()));
        argv.add(Integer.toString(d.admitPerSecond()));
        argv.add(Long.toString(config.reconnectGrace().toMillis()));
        argv.add(Integer.toString(config.rateWindowSeconds()));
        argv.add(Integer.toString(config.auditMax()));
        argv.addAll(args);

        Loaded loaded = scripts.get(script);
        List<String> cmd = new ArrayList<>(2 + keys.size() + argv.size());
        cmd.add(loaded.sha());
        cmd.add(Integer.toString(keys.size()));
        cmd.addAll(keys);
        cmd.addAll(argv);
        try {
            return redis.execute("EVALSHA", cmd.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("NOSCRIPT")) {
                throw e;
            }
            cmd.set(0, loaded.source());
            return redis.execute("EVAL", cmd.toArray(String[]::new));
        }
    }

    public Response run(Script script, String performanceId, String... args) {
        return run(script, performanceId, List.of(args));
    }

    private static String read(String name) {
        try (InputStream in = RoomScripts.class.getResourceAsStream("/lua/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script lua/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
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
