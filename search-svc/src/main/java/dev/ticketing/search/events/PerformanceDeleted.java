package dev.ticketing.search.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;

/** booking-svc's PerformanceDeleted on performance-events (docs/architecture.md, Events). */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record PerformanceDeleted(String eventId, String type, int schemaVersion, OffsetDateTime occurredAt,
                                 String performanceId, long version) {

    public static final String TYPE = "PerformanceDeleted";
}
