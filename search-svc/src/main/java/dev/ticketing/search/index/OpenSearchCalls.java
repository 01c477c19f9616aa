package dev.ticketing.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.ticketing.search.problem.EngineUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Thin JSON-in/JSON-out layer over the low-level REST client (works with OpenSearch and Elasticsearch alike). Bodies
 * are always Jackson trees serialized by Jackson: nothing a user typed is ever concatenated into JSON text.
 */
@ApplicationScoped
public class OpenSearchCalls {

    /** An engine answer: HTTP status and parsed body (MissingNode when empty). */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public String errorType() {
            return body.path("error").path("type").asText("");
        }
    }

    private final RestClient client;
    private final ObjectMapper json;

    public OpenSearchCalls(RestClient client, ObjectMapper json) {
        this.client = client;
        this.json = json;
    }

    /** Sends a request; 4xx answers come back as a Reply, transport errors and 5xx as EngineUnavailableException. */
    public Reply send(String method, String endpoint, Map<String, String> params, JsonNode body) {
        Request request = new Request(method, endpoint);
        params.forEach(request::addParameter);
        if (body != null) {
            request.setJsonEntity(write(body));
        }
        return perform(request);
    }

    /** A _bulk call: one NDJSON line per tree. */
    public Reply bulk(List<JsonNode> lines, Map<String, String> params) {
        StringBuilder ndjson = new StringBuilder();
        for (JsonNode line : lines) {
            ndjson.append(write(line)).append('\n');
        }
        Request request = new Request("POST", "/_bulk");
        params.forEach(request::addParameter);
        request.setJsonEntity(ndjson.toString());
        return perform(request);
    }

    /** Like send, but anything other than 2xx is an error the caller cannot handle. */
    public JsonNode require(String method, String endpoint, Map<String, String> params, JsonNode body) {
        Reply reply = send(method, endpoint, params, body);
        if (!reply.ok()) {
            throw new EngineUnavailableException(503, "OpenSearch refused " + method + " " + endpoint + ": "
                    + reply.status() + " " + reply.body().path("error").path("reason").asText(""), null);
        }
        return reply.body();
    }

    private Reply perform(Request request) {
        try {
            Response response = client.performRequest(request);
            return new Reply(response.getStatusLine().getStatusCode(), read(response));
        } catch (ResponseException e) {
            Response response = e.getResponse();
            int status = response.getStatusLine().getStatusCode();
            if (status >= 500) {
                throw new EngineUnavailableException(503, "OpenSearch answered " + status, e);
            }
            return new Reply(status, read(response));
        } catch (IOException e) {
            throw new EngineUnavailableException(503, "OpenSearch is unreachable", e);
        }
    }

    private JsonNode read(Response response) {
        if (response.getEntity() == null) {
            return MissingNode.getInstance();
        }
        try (InputStream in = response.getEntity().getContent()) {
            JsonNode node = json.readTree(in);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            throw new EngineUnavailableException(503, "unreadable OpenSearch answer", e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
