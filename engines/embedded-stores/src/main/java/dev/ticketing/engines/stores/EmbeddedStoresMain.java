package dev.ticketing.engines.stores;

import dev.ticketing.engines.EngineArgs;
import dev.ticketing.engines.ReadyFile;
import dev.ticketing.engines.Watchdog;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack's fallback when no PostgreSQL or Redis is running (a fan's laptop): real PostgreSQL and Redis
 * binaries shipped inside Maven jars, with their data kept in {@code --data-dir} across restarts. {@code --port} is
 * PostgreSQL's port and {@code --second-port} Redis's; 0 skips that store. Creates the services' databases
 * ({@code --databases a,b,c}) and exits, stopping both, when its owner process does. {@code --only postgres|redis}
 * starts one of them on {@code --port} (what the tests use when nothing answers on the configured ports).
 */
public final class EmbeddedStoresMain {

    public static void main(String[] argv) throws Exception {
        EngineArgs args = EngineArgs.parse(argv);
        Path dataDir = args.path("data-dir").toAbsolutePath();
        String only = args.values().getOrDefault("only", "");
        int pgPort = only.equals("redis") ? 0 : args.intValue("port");
        int redisPort = only.equals("redis") ? args.intValue("port") : only.equals("postgres") ? 0 : args.intValue("second-port");
        List<String> databases = List.of(args.values().getOrDefault("databases", "").split(","));
        Map<String, String> ready = new HashMap<>();

        EmbeddedPostgres pg = null;
        if (pgPort > 0) {
            Path pgData = dataDir.resolve("postgresql");
            Files.createDirectories(pgData);
            pg = EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(pgData).setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200").start();
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                for (String db : databases) {
                    if (db.matches("[a-z_][a-z0-9_]*")) {
                        try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + db + "'")) {
                            if (rs.next()) {
                                continue;
                            }
                        }
                        s.execute("create database " + db);
                    }
                }
            }
            ready.put("address", "127.0.0.1:" + pgPort);
            ready.put("postgres", "127.0.0.1:" + pgPort);
        }
        RedisServer redis = null;
        if (redisPort > 0) {
            Path redisDir = dataDir.resolve("redis");
            Files.createDirectories(redisDir);
            redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                    .setting("dir " + redisDir).setting("appendonly yes").build();
            redis.start();
            ready.putIfAbsent("address", "127.0.0.1:" + redisPort);
            ready.put("redis", "127.0.0.1:" + redisPort);
        }

        EmbeddedPostgres pgToClose = pg;
        RedisServer redisToStop = redis;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (redisToStop != null) {
                    redisToStop.stop();
                }
                if (pgToClose != null) {
                    pgToClose.close();
                }
            } catch (Exception e) {
                System.err.println("[engine] stopping the stores failed: " + e);
            }
        }, "stores-stop"));
        Watchdog.exitWhenGone(args.ownerPid());
        ReadyFile.write(args.path("ready-file"), ready);
        System.out.println("[engine] embedded stores ready: " + ready);
        Thread.currentThread().join();
    }
}
