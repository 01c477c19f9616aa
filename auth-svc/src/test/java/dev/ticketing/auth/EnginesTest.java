package dev.ticketing.auth;

import dev.ticketing.testsupport.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** auth-svc owns PostgreSQL: Flyway has migrated its own test database and readiness reflects it. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class EnginesTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void flywayMigratedTheAccountTables() throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "select table_name from information_schema.tables where table_schema = 'public'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            try (ResultSet db = c.createStatement().executeQuery("select current_database()")) {
                db.next();
                assertTrue(db.getString(1).endsWith("_test"), "tests must never use the stack's database");
            }
        }
        assertTrue(tables.containsAll(List.of("account", "refresh_token", "login_throttle", "flyway_schema_history")),
                tables.toString());
    }

    @Test
    void healthMetricsAndOpenApiAreExposed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
