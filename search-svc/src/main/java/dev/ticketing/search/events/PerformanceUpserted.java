package dev.ticketing.search.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;

/** booking-svc's PerformanceUpserted on performance-events (docs/architecture.md, Events). */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record PerformanceUpserted(String eventId, String type, int schemaVersion, OffsetDateTime occurredAt,
                                  String performanceId, long version, String title, String description,
                                  String venue, String category, List<Showtime> showtimes,
                                  OffsetDateTime firstShowAt, OffsetDateTime lastShowAt) {

    public static final String TYPE = "PerformanceUpserted";

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Showtime(String showtimeId, OffsetDateTime startsAt) {
    }
}
