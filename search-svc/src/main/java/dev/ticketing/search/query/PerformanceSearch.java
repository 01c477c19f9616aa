package dev.ticketing.search.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ticketing.search.index.PerformanceIndex;
import dev.ticketing.search.problem.EngineUnavailableException;
import io.micrometer.core.annotation.Timed;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Runs searches and suggestions against the alias and maps hits to what the UI shows. */
@ApplicationScoped
public class PerformanceSearch {

    private final PerformanceIndex index;
    private final PerformanceQueries queries;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    public PerformanceSearch(PerformanceIndex index, PerformanceQueries queries, ObjectMapper json) {
        this.index = index;
        this.queries = queries;
        this.json = json;
    }

    @Timed(value = "search.query", extraTags = {"kind", "search"}, percentiles = {0.5, 0.95, 0.99})
    public SearchPage search(SearchRequest request) {
        JsonNode answer = index.search(queries.search(request, clock.instant()));
        List<PerformanceItem> items = hits(answer, PerformanceItem.class);
        return new SearchPage(items, request.page(), request.size(),
                answer.path("hits").path("total").path("value").asLong());
    }

    @Timed(value = "search.query", extraTags = {"kind", "suggest"}, percentiles = {0.5, 0.95, 0.99})
    public Suggestions suggest(String q, int size) {
        if (q.isBlank()) {
            return new Suggestions(List.of());
        }
        return new Suggestions(hits(index.search(queries.suggest(q, size)), Suggestions.Suggestion.class));
    }

    private <T> List<T> hits(JsonNode answer, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (JsonNode hit : answer.path("hits").path("hits")) {
            try {
                out.add(json.treeToValue(hit.path("_source"), type));
            } catch (JsonProcessingException e) {
                throw new EngineUnavailableException(503, "unreadable document " + hit.path("_id").asText(), e);
            }
        }
        return out;
    }
}
