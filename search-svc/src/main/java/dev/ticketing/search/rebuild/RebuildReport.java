package dev.ticketing.search.rebuild;

/** What a finished rebuild did. */
public record RebuildReport(String index, String previousIndex, long performances, long indexed, long tookMs) {
}
