package dev.ticketing.booking.catalog;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;

/** Request and response shapes of the catalog API (docs/api.md). */
public final class CatalogDtos {
    private CatalogDtos() {
    }

    public record SectionRequest(
            @NotBlank @Size(max = 40) String name,
            @NotNull @Min(1) @Max(200) Integer rows,
            @NotNull @Min(1) @Max(200) Integer seatsPerRow,
            @NotNull @Min(0) @Max(100_000_000) Long price) {
    }

    public record ShowtimeRequest(
            @NotNull OffsetDateTime startsAt,
            @NotNull @Size(min = 1, max = 20) List<@NotNull @Valid SectionRequest> sections) {
    }

    public record PerformanceRequest(
            @NotBlank @Size(max = 200) String title,
            @Size(max = 5000) String description,
            @NotBlank @Size(max = 200) String venue,
            @NotBlank @Size(max = 50) String category,
            @NotNull @Size(min = 1, max = 50) List<@NotNull @Valid ShowtimeRequest> showtimes,
            @Min(1) @Max(100) Integer ticketLimitPerFan) {
    }

    /** An admin's per-fan ticket limit for a performance (PUT /api/performances/{id}/ticket-limit). */
    public record TicketLimitRequest(@NotNull @Min(1) @Max(100) Integer limit) {
    }

    /** Update of the descriptive fields; showtimes listed here are added (existing seat maps are never rewritten). */
    public record PerformanceUpdate(
            @NotBlank @Size(max = 200) String title,
            @Size(max = 5000) String description,
            @NotBlank @Size(max = 200) String venue,
            @NotBlank @Size(max = 50) String category,
            @Size(max = 50) List<@NotNull @Valid ShowtimeRequest> addShowtimes) {
    }

    public record ShowtimeView(String id, OffsetDateTime startsAt, int seats, long minPrice, long maxPrice) {
    }

    public record PerformanceView(String id, long version, String title, String description, String venue,
                                  String category, OffsetDateTime firstShowAt, OffsetDateTime lastShowAt,
                                  List<ShowtimeView> showtimes, int ticketLimitPerFan) {
    }

    public record PerformancePage(List<PerformanceView> items, int page, int size, long total) {
    }

    public record SeatView(String id, String section, String row, int number, long price, String status) {
    }

    public record SeatMap(String showtimeId, String performanceId, OffsetDateTime startsAt, List<SeatView> seats) {
    }
}
