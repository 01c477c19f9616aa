package dev.ticketing.search.query;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;

/** GET /api/search/suggest answer: titles for the search box, best first. */
@RegisterForReflection
public record Suggestions(List<Suggestion> items) {

    @RegisterForReflection
    public record Suggestion(String id, String title, OffsetDateTime firstShowAt) {
    }
}
