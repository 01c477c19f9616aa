package dev.ticketing.search.rebuild;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.OffsetDateTime;
import java.util.List;

/** One page of booking-svc's {@code GET /api/performances} (the shape booking-svc serves for index rebuilds). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CatalogPage(List<Performance> items, int page, int size, long total) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Performance(String id, long version, String title, String description, String venue,
                              String category, List<Showtime> showtimes, OffsetDateTime firstShowAt,
                              OffsetDateTime lastShowAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Showtime(String id, OffsetDateTime startsAt) {
    }
}
