package dev.ticketing.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;

/** Test helpers speaking the public API the way a client does. */
final class Fans {

    static final String PASSWORD = "correct horse battery";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fans() {
    }

    static String uniqueEmail() {
        return "fan-" + UUID.randomUUID() + "@example.test";
    }

    /** A documentation-range address per test, so per-address failure counts never leak between tests. */
    static String uniqueIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.51." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    static Response signup(String email, String password, String name) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password, "name", name))
                .post("/api/auth/signup");
    }

    static String signedUpFan() {
        String email = uniqueEmail();
        signup(email, PASSWORD, "팬").then().statusCode(201);
        return email;
    }

    static Response login(String email, String password, String ip) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", ip)
                .body(Map.of("email", email, "password", password))
                .post("/api/auth/login");
    }

    static Response login(String email, String password) {
        return login(email, password, uniqueIp());
    }

    static Response refresh(String refreshToken) {
        return given().contentType(ContentType.JSON).body(Map.of("refreshToken", refreshToken))
                .post("/api/auth/refresh");
    }

    static JsonNode header(String jwt) {
        return part(jwt, 0);
    }

    static JsonNode claims(String jwt) {
        return part(jwt, 1);
    }

    private static JsonNode part(String jwt, int index) {
        try {
            return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
