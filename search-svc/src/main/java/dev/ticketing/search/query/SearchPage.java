package dev.ticketing.search.query;

import java.util.List;

/** GET /api/search/performances answer (docs/api.md): one page and the total number of matches. */
public record SearchPage(List<PerformanceItem> items, int page, int size, long total) {
}
