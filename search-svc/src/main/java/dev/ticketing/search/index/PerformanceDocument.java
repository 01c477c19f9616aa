package dev.ticketing.search.index;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One performance as stored in the index, its {@code _id} being {@link #id}. A deletion is stored as a tombstone
 * ({@code deleted=true}, no content) carrying the deletion's version, so an older upsert replayed later still loses
 * against it; searches filter tombstones out.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PerformanceDocument(String id, long version, Boolean deleted, String title, String description,
                                  String venue, String category, List<Showtime> showtimes,
                                  OffsetDateTime firstShowAt, OffsetDateTime lastShowAt) {

    @RegisterForReflection
    public record Showtime(String id, OffsetDateTime startsAt) {
    }

    public static PerformanceDocument tombstone(String id, long version) {
        return new PerformanceDocument(id, version, true, null, null, null, null, null, null, null);
    }
}
