package dev.ticketing.search.query;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;

/** One search result as the UI shows it. */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record PerformanceItem(String id, String title, String description, String venue, String category,
                              OffsetDateTime firstShowAt, OffsetDateTime lastShowAt, List<Showtime> showtimes) {

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Showtime(String id, OffsetDateTime startsAt) {
    }
}
