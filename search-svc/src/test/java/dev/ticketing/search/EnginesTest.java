package dev.ticketing.search;

import dev.ticketing.search.support.BookingCatalogStub;
import dev.ticketing.search.support.PerformanceEventsTopic;
import dev.ticketing.testsupport.JwtTestResource;
import dev.ticketing.testsupport.KafkaRoundTrip;
import dev.ticketing.testsupport.KafkaTestResource;
import dev.ticketing.testsupport.OpenSearchTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** search-svc owns an OpenSearch index and follows Kafka: both engines are real and reachable from its config. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(OpenSearchTestResource.class)
@WithTestResource(JwtTestResource.class)
@WithTestResource(PerformanceEventsTopic.class)
@WithTestResource(BookingCatalogStub.class)
class EnginesTest {

    @Inject
    RestClient openSearch;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void koreanTextIsIndexedAndFoundWithNori() throws Exception {
        Request create = new Request("PUT", "/engine-probe");
        create.setJsonEntity("""
                {"mappings":{"properties":{"title":{"type":"text","analyzer":"nori"}}}}""");
        openSearch.performRequest(create);
        Request doc = new Request("PUT", "/engine-probe/_doc/1");
        doc.addParameter("refresh", "true");
        doc.setJsonEntity("{\"title\":\"레미제라블의 귀환\"}");
        openSearch.performRequest(doc);

        Request search = new Request("POST", "/engine-probe/_search");
        search.setJsonEntity("{\"query\":{\"match\":{\"title\":\"레미제라블\"}}}");
        Response r = openSearch.performRequest(search);
        String body = new String(r.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"total\":{\"value\":1"), body);

        openSearch.performRequest(new Request("DELETE", "/engine-probe"));
    }

    @Test
    void kafkaRoundTrip() throws Exception {
        assertEquals("search-probe", KafkaRoundTrip.roundTrip(bootstrap, "search-probe"));
    }

    @Test
    void healthMetricsAndOpenApiAreExposed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
