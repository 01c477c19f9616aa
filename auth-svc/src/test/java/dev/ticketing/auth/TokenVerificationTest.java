package dev.ticketing.auth;

import dev.ticketing.auth.token.SigningKeys;
import dev.ticketing.testsupport.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ingress verify endpoint, /me (smallrye-jwt), JWKS and every way a token can be forged or stale. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
@WithTestResource(RetiredSigningKeyResource.class)
class TokenVerificationTest {

    @Inject
    SigningKeys keys;

    String email;
    String userId;
    String accessToken;

    @BeforeEach
    void fan() {
        email = Fans.signedUpFan();
        accessToken = Fans.login(email, Fans.PASSWORD).path("accessToken");
        userId = Fans.claims(accessToken).get("sub").asText();
    }

    private JwtClaimsBuilder claims() {
        Instant now = Instant.now();
        return Jwt.issuer("https://auth.ticketing.local").audience("ticketing-api").subject(userId).upn(email)
                .groups(Set.of("user")).issuedAt(now).expiresAt(now.plusSeconds(900))
                .claim("jti", UUID.randomUUID().toString());
    }

    private String signWithOurKey(JwtClaimsBuilder claims) {
        return claims.jws().keyId(keys.signingKid()).algorithm(SignatureAlgorithm.RS256).sign(keys.signingKey());
    }

    private static Response verify(String authorization) {
        return authorization == null ? given().get("/api/auth/verify")
                : given().header("Authorization", authorization).get("/api/auth/verify");
    }

    private static void denied(Response r) {
        r.then().statusCode(401).header("WWW-Authenticate", "Bearer").header("X-User-Id", nullValue());
    }

    @Test
    void aValidTokenIsAllowedWithTheUserInHeaders() {
        verify("Bearer " + accessToken).then().statusCode(200)
                .header("X-User-Id", userId)
                .header("X-User-Roles", "user");
        // Scheme is case-insensitive (RFC 7235).
        verify("bearer " + accessToken).then().statusCode(200);
    }

    @Test
    void adminRolesAreForwardedCommaSeparated() {
        String admin = Fans.login("admin@ticketing.test", "admin-test-password").path("accessToken");
        verify("Bearer " + admin).then().statusCode(200).header("X-User-Roles", "admin,user");
    }

    @Test
    void missingOrNonBearerCredentialsAre401() {
        denied(verify(null));
        denied(verify("Bearer "));
        denied(verify("Basic " + Base64.getEncoder().encodeToString((email + ":" + Fans.PASSWORD).getBytes())));
        denied(verify("Bearer not-a-jwt"));
    }

    @Test
    void aTamperedPayloadBreaksTheSignature() {
        String[] parts = accessToken.split("\\.");
        String forgedPayload = Fans.b64(Fans.claims(accessToken).toString()
                .replace("\"groups\":[\"user\"]", "\"groups\":[\"admin\",\"user\"]"));
        String forged = parts[0] + "." + forgedPayload + "." + parts[2];
        denied(verify("Bearer " + forged));
        given().auth().oauth2(forged).get("/api/auth/me").then().statusCode(401);
    }

    @Test
    void algNoneIsRefused() {
        String payload = Fans.b64(Fans.claims(accessToken).toString());
        for (String header : List.of("{\"alg\":\"none\",\"typ\":\"JWT\"}",
                "{\"alg\":\"none\",\"kid\":\"" + keys.signingKid() + "\"}")) {
            String unsigned = Fans.b64(header) + "." + payload + ".";
            denied(verify("Bearer " + unsigned));
            given().auth().oauth2(unsigned).get("/api/auth/me").then().statusCode(401);
        }
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() {
        // The classic algorithm-confusion forgery: HMAC keyed with the (public) RSA key bytes.
        String publicKeyAsSecret = Base64.getEncoder().encodeToString(
                given().get("/api/auth/jwks").asString().getBytes(StandardCharsets.UTF_8));
        String forged = claims().jws().keyId(keys.signingKid()).algorithm(SignatureAlgorithm.HS256)
                .signWithSecret(publicKeyAsSecret + publicKeyAsSecret);
        denied(verify("Bearer " + forged));
    }

    @Test
    void aForeignKeyIsRefusedEvenWithOurKid() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PrivateKey foreign = g.generateKeyPair().getPrivate();
        String forged = claims().jws().keyId(keys.signingKid()).algorithm(SignatureAlgorithm.RS256).sign(foreign);
        denied(verify("Bearer " + forged));
        given().auth().oauth2(forged).get("/api/auth/me").then().statusCode(401);
    }

    @Test
    void expiredTokensAreRefusedBeyondTheClockSkew() {
        Instant past = Instant.now().minusSeconds(3600);
        String expired = signWithOurKey(claims().issuedAt(past).expiresAt(past.plusSeconds(900)));
        denied(verify("Bearer " + expired));
        given().auth().oauth2(expired).get("/api/auth/me").then().statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401));
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() {
        String wrongIssuer = signWithOurKey(claims().issuer("https://evil.example"));
        String wrongAudience = signWithOurKey(claims().audience("another-api"));
        for (String token : List.of(wrongIssuer, wrongAudience)) {
            denied(verify("Bearer " + token));
            given().auth().oauth2(token).get("/api/auth/me").then().statusCode(401);
        }
        // The same claims with the right iss and aud pass: the refusals above are about iss/aud only.
        verify("Bearer " + signWithOurKey(claims())).then().statusCode(200).header("X-User-Id", userId);
    }

    /** The client's Sec-WebSocket-Protocol header: the carrier subprotocol, then the header in the token's entry. */
    private static String carrier(String token) {
        return "bearer-token-carrier, " + carrierEntry("Authorization", "Bearer " + token);
    }

    private static String carrierEntry(String header, String value) {
        // What browsers send: encodeURIComponent (space as %20; URLEncoder's '+' decodes the same way).
        return URLEncoder.encode("quarkus-http-upgrade#" + header + "#" + value, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    private static Response verifyWebSocket(String originalUri, String... protocolHeaders) {
        var request = given().header("X-Original-URI", originalUri);
        for (String line : protocolHeaders) {
            request = request.header("Sec-WebSocket-Protocol", line);
        }
        return request.get("/api/auth/verify");
    }

    @Test
    void theWebSocketRouteMayCarryTheTokenInItsSubprotocolHeader() {
        verifyWebSocket("/api/queues/perf-42/ws", carrier(accessToken))
                .then().statusCode(200).header("X-User-Id", userId).header("X-User-Roles", "user");
        // The reconnect ticket stays in the query string; it is not a credential and does not matter here.
        verifyWebSocket("/api/queues/perf-42/ws?ticket=abc&lang=ko", carrier(accessToken))
                .then().statusCode(200).header("X-User-Id", userId);
        // URLEncoder's form ('+' for the space) and a carrier on a header line of its own are the same offer.
        verifyWebSocket("/api/queues/perf-42/ws", "bearer-token-carrier",
                URLEncoder.encode("quarkus-http-upgrade#authorization#bearer " + accessToken, StandardCharsets.UTF_8))
                .then().statusCode(200).header("X-User-Id", userId);
        // A carrier of some other header is no credential, but does not spoil the Authorization one.
        verifyWebSocket("/api/queues/perf-42/ws", carrier(accessToken) + ", " + carrierEntry("X-Trace", "1"))
                .then().statusCode(200).header("X-User-Id", userId);
        // A real Authorization header still wins over the carrier.
        given().header("X-Original-URI", "/api/queues/perf-42/ws").header("Authorization", "Bearer " + accessToken)
                .header("Sec-WebSocket-Protocol", carrier("garbage")).get("/api/auth/verify")
                .then().statusCode(200).header("X-User-Id", userId);
    }

    @Test
    void theSubprotocolCarrierCountsOnlyOnTheWebSocketRoute() {
        String offer = carrier(accessToken);
        denied(verifyWebSocket("/api/orders", offer));
        denied(verifyWebSocket("/api/queues/perf-42/entries", offer));
        denied(verifyWebSocket("/api/queues/perf-42/ws/extra", offer));
        denied(verifyWebSocket("/api/queues/perf-42/ws/../../../orders", offer));
        // Shaped like the WebSocket route, but a dot segment makes it another path.
        denied(verifyWebSocket("/api/queues/../ws", offer));
        denied(verifyWebSocket("/api/queues/./perf-42/ws", offer));
        denied(verifyWebSocket("%%%bad uri", offer));
        denied(given().header("Sec-WebSocket-Protocol", offer).get("/api/auth/verify"));
    }

    /**
     * Gateway API's ExternalAuth and Envoy Gateway's extAuth call verify with the original method and the original
     * path appended, without X-Original-URI: the same answers as the auth-url form.
     */
    @Test
    void theGatewayApiFormCarriesTheOriginalMethodAndPath() {
        given().header("Authorization", "Bearer " + accessToken).post("/api/auth/verify/api/orders")
                .then().statusCode(200).header("X-User-Id", userId).header("X-User-Roles", "user");
        given().header("Authorization", "Bearer " + accessToken).delete("/api/auth/verify/api/queues/perf-42/entries/me")
                .then().statusCode(200).header("X-User-Id", userId);
        for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")) {
            denied(given().request(method, "/api/auth/verify/api/orders"));
            given().header("Authorization", "Bearer " + accessToken).request(method, "/api/auth/verify/api/orders")
                    .then().statusCode(200);
        }
        // The WebSocket route's carrier counts on that path only, judged by the appended path.
        given().header("Sec-WebSocket-Protocol", carrier(accessToken)).get("/api/auth/verify/api/queues/perf-42/ws")
                .then().statusCode(200).header("X-User-Id", userId);
        denied(given().header("Sec-WebSocket-Protocol", carrier(accessToken)).get("/api/auth/verify/api/orders"));
        denied(given().header("Sec-WebSocket-Protocol", carrier(accessToken))
                .get("/api/auth/verify/api/queues/perf-42/ws/extra"));
        // A client's own X-Original-URI does not turn another path into the WebSocket route.
        denied(given().header("X-Original-URI", "/api/queues/perf-42/ws")
                .header("Sec-WebSocket-Protocol", carrier(accessToken)).get("/api/auth/verify/api/orders"));
    }

    @Test
    void aTokenInTheUrlIsNoLongerAccepted() {
        String q = URLEncoder.encode(accessToken, StandardCharsets.UTF_8);
        denied(given().header("X-Original-URI", "/api/queues/perf-42/ws?access_token=" + q).get("/api/auth/verify"));
        denied(given().header("X-Original-URI", "/api/queues/perf-42/ws?lang=ko&access_token=" + q)
                .header("Sec-WebSocket-Protocol", "bearer-token-carrier").get("/api/auth/verify"));
        denied(given().header("X-Original-URI", "/api/orders?access_token=" + q).get("/api/auth/verify"));
        denied(given().header("X-Original-URI", "/api/queues/perf-42/ws").get("/api/auth/verify"));
    }

    @Test
    void malformedCarriersAre401NotErrors() {
        String ws = "/api/queues/perf-42/ws";
        String raw = "quarkus-http-upgrade#Authorization#Bearer " + accessToken;
        List<String> offers = List.of(
                "bearer-token-carrier",
                "",
                "bearer-token-carrier, quarkus-http-upgrade",
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization",
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization%23",
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization%23Bearer",
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization%23Bearer%20",
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization%23Bearer%20" + accessToken + "%23more",
                "bearer-token-carrier, quarkus-http-upgrade%23%23Bearer%20" + accessToken,
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization%23Basic%20"
                        + Base64.getEncoder().encodeToString((email + ":" + Fans.PASSWORD).getBytes()),
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization%23Bearer%20not-a-jwt",
                "bearer-token-carrier, quarkus-http-upgradeX%23Authorization%23Bearer%20" + accessToken,
                "bearer-token-carrier, quarkus-http-upgrade%ZZAuthorization%23Bearer%20" + accessToken,
                "bearer-token-carrier, quarkus-http-upgrade%23Authorization%23Bearer%20%E0%A4%A",
                // two Authorization carriers: which one is the caller?
                carrier(accessToken) + ", " + carrierEntry("Authorization", "Bearer " + accessToken),
                // the carrier only counts as a subprotocol entry, not as text somewhere in one
                "bearer-token-carrier; " + URLEncoder.encode(raw, StandardCharsets.UTF_8),
                "x" + URLEncoder.encode(raw, StandardCharsets.UTF_8));
        for (String offer : offers) {
            Response r = verifyWebSocket(ws, offer);
            assertEquals(401, r.statusCode(), offer);
            denied(r);
        }
    }

    @Test
    void jwksPublishesTheActiveAndTheRetiredKeyWithoutPrivateParts() {
        String retiredKid = SigningKeys.kidOf(RetiredSigningKeyResource.retiredPublicKey());
        given().get("/api/auth/jwks").then().statusCode(200)
                .body("keys", hasSize(2))
                .body("keys.kid", containsInAnyOrder(keys.signingKid(), retiredKid))
                .body("keys.kty", everyItem(equalTo("RSA")))
                .body("keys.alg", everyItem(equalTo("RS256")))
                .body("keys.use", everyItem(equalTo("sig")))
                .body("keys.d", everyItem(nullValue()))
                .body("keys.p", everyItem(nullValue()));
        assertEquals(keys.signingKid(), Fans.header(accessToken).get("kid").asText());
    }

    @Test
    void tokensSignedWithTheRetiredKeyStillVerifyDuringRotation() {
        String retiredKid = SigningKeys.kidOf(RetiredSigningKeyResource.retiredPublicKey());
        String old = claims().jws().keyId(retiredKid).algorithm(SignatureAlgorithm.RS256)
                .sign(RetiredSigningKeyResource.retiredPrivateKey());
        verify("Bearer " + old).then().statusCode(200).header("X-User-Id", userId);
        given().auth().oauth2(old).get("/api/auth/me").then().statusCode(200).body("id", equalTo(userId));
    }

    @Test
    void meAnswersTheAccountOfTheToken() {
        given().auth().oauth2(accessToken).get("/api/auth/me").then().statusCode(200)
                .body("id", equalTo(userId))
                .body("email", equalTo(email))
                .body("name", equalTo("팬"))
                .body("roles", hasItems("user"))
                .body("roles", hasSize(1));
    }

    @Test
    void meWithoutATokenIs401ProblemJson() {
        given().get("/api/auth/me").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
    }

    @Test
    void aValidTokenForADeletedOrUnknownAccountGetsNoProfile() {
        String stranger = signWithOurKey(claims().subject(UUID.randomUUID().toString()));
        given().auth().oauth2(stranger).get("/api/auth/me").then().statusCode(401);
        String notAUuid = signWithOurKey(claims().subject("robert'); drop table account;--"));
        given().auth().oauth2(notAUuid).get("/api/auth/me").then().statusCode(401);
    }

    @Test
    void unknownRoutesAreProblemJson() {
        given().get("/api/auth/nope").then().statusCode(404).contentType("application/problem+json");
    }
}
