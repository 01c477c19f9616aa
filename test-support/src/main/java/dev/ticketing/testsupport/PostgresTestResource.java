package dev.ticketing.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Points a service at the running PostgreSQL ({@code TICKETING_PG_HOST}/{@code _PORT}/{@code _USER}/{@code _PASSWORD},
 * default 127.0.0.1:5432 postgres) with a test database of its own ({@code <database>_test}, created if missing), so
 * tests never touch the local stack's data. Flyway cleans and migrates it when the service starts.
 * Init arg: {@code database} (the service's database name, e.g. {@code booking}).
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "app";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database) + "_test";
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("bad database name " + database);
        }
    }

    public static String host() {
        return System.getenv().getOrDefault("TICKETING_PG_HOST", "127.0.0.1");
    }

    public static String port() {
        return System.getenv().getOrDefault("TICKETING_PG_PORT", "5432");
    }

    public static String user() {
        return System.getenv().getOrDefault("TICKETING_PG_USER", "postgres");
    }

    public static String password() {
        return System.getenv().getOrDefault("TICKETING_PG_PASSWORD", "");
    }

    /** Creates the database if it is missing; safe to call from several JVMs at once. */
    public static void ensureDatabase(String name) {
        String url = "jdbc:postgresql://" + host() + ":" + port() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, user(), password());
             PreparedStatement q = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create database " + name);
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: another JVM won the race
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host() + ":" + port() + " is not usable: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> start() {
        ensureDatabase(database);
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + host() + ":" + port() + "/" + database,
                "quarkus.datasource.username", user(),
                "quarkus.datasource.password", password(),
                "quarkus.flyway.clean-disabled", "false",
                "quarkus.flyway.clean-at-start", "true");
    }

    @Override
    public void stop() {
    }
}
