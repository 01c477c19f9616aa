package dev.ticketing.booking;

import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.PostgresTestResource;
import dev.ticketing.testsupport.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every malformed hold body is answered (never left hanging), with a known token on the plain HTTP/1.1 path. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "booking"))
@WithTestResource(JwtTestResource.class)
@WithTestResource(AdmissionTestResource.class)
@WithTestResource(value = RedisTestResource.class, initArgs = @ResourceArg(name = "db", value = "4"))
class HoldRouteMalformedTest extends BookingTestBase {

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyMalformedBodyIsAnswered() throws Exception {
        Show show = newShow(1, 3);
        String fan = fan();
        String token = tokenOf(fan);
        String admission = AdmissionTestResource.token(fan, show.performanceId());
        String good = "{\"seatIds\":[\"" + show.seatIds().get(0) + "\"]}";
        List<String> bodies = new ArrayList<>(List.of(good.substring(0, good.length() / 2), "{", "[", "", "null",
                "\"str\"", "42", "[]", "{\"a\":}", good + "}", good.replaceFirst(":", ""), "{'single':'quotes'}",
                "\u0000" + good, "[".repeat(5000), "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}",
                good.replace("\"", "")));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> hung = new ArrayList<>();
        for (String body : bodies) {
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/showtimes/" + show.showtimeId() + "/holds"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).header("X-Admission-Token", admission)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 500) {
                    hung.add(status + " for " + body.substring(0, Math.min(40, body.length())));
                }
            } catch (java.net.http.HttpTimeoutException e) {
                hung.add("no answer for " + body.substring(0, Math.min(40, body.length())));
            }
        }
        assertEquals(List.of(), hung);
    }
}
