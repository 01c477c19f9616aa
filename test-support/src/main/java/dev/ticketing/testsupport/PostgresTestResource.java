package dev.ticketing.testsupport;

import dev.ticketing.engines.Engine;
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
 * tests never touch the local stack's data. Flyway cleans and migrates it when the service starts. When nothing answers
 * there, the build's embedded PostgreSQL is used instead ({@link StoreAddress}).
 * Init args: {@code database} (the service's database name, e.g. {@code booking}); {@code flaky=true} puts a
 * {@link FlakyLink} named {@code postgres-<database>} between the service and PostgreSQL, so a test can take it away.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static StoreAddress address;
    private String database = "app";
    private boolean flaky;
    private FlakyLink link;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database) + "_test";
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("bad database name " + database);
        }
        flaky = Boolean.parseBoolean(initArgs.getOrDefault("flaky", "false"));
    }

    private static synchronized StoreAddress address() {
        if (address == null) {
            address = StoreAddress.resolve(System.getenv().getOrDefault("TICKETING_PG_HOST", "127.0.0.1"),
                    Integer.parseInt(System.getenv().getOrDefault("TICKETING_PG_PORT", "5432")), Engine.EMBEDDED_POSTGRES);
        }
        return address;
    }

    public static String host() {
        return address().host();
    }

    public static String port() {
        return Integer.toString(address().port());
    }

    /** The link a {@code flaky=true} resource put in front of {@code database} (the init arg, without _test). */
    public static FlakyLink link(String database) {
        return FlakyLink.named("postgres-" + database + "_test");
    }

    public static String user() {
        return address().embedded() ? "postgres" : System.getenv().getOrDefault("TICKETING_PG_USER", "postgres");
    }

    public static String password() {
        return address().embedded() ? "" : System.getenv().getOrDefault("TICKETING_PG_PASSWORD", "");
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
        String hostPort = host() + ":" + port();
        if (flaky) {
            link = FlakyLink.open("postgres-" + database, host(), Integer.parseInt(port()));
            hostPort = "127.0.0.1:" + link.port();
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort + "/" + database,
                "quarkus.datasource.username", user(),
                "quarkus.datasource.password", password(),
                "quarkus.flyway.clean-disabled", "false",
                "quarkus.flyway.clean-at-start", "true");
    }

    @Override
    public void stop() {
        if (link != null) {
            link.close();
        }
    }
}
