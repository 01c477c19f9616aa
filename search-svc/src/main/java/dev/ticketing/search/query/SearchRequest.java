package dev.ticketing.search.query;

import dev.ticketing.search.config.SearchConfig;
import dev.ticketing.search.problem.InvalidRequestException;
import dev.ticketing.search.problem.Problem.Violation;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A checked search: every parameter arrives as text and is validated here in one pass, so a caller sees all of its
 * mistakes at once, each named by its query parameter (a number that does not parse is a violation too, not a 404).
 */
public record SearchRequest(String q, int page, int size, Optional<String> category, Optional<OffsetDateTime> from,
                            Optional<OffsetDateTime> to, Sort sort) {

    public static final int MAX_QUERY_LENGTH = 200;
    public static final int MAX_CATEGORY_LENGTH = 64;

    public enum Sort {
        RELEVANCE, DATE
    }

    public boolean hasText() {
        return !q.isBlank();
    }

    public static SearchRequest parse(String q, String page, String size, String category, String from, String to,
                                      String sort, SearchConfig config) {
        List<Violation> violations = new ArrayList<>();
        String text = q == null ? "" : q.strip();
        if (text.length() > MAX_QUERY_LENGTH) {
            violations.add(new Violation("q", "must be at most " + MAX_QUERY_LENGTH + " characters"));
        }
        Integer pageNo = integer("page", page, 0, 0, Integer.MAX_VALUE, violations);
        int maxSize = config.paging().maxSize();
        Integer pageSize = integer("size", size, config.paging().defaultSize(), 1, maxSize, violations);
        int window = config.index().maxResultWindow();
        if (pageNo != null && pageSize != null && ((long) pageNo + 1) * pageSize > window) {
            violations.add(new Violation("page", "page × size may reach at most the first " + window
                    + " results; narrow the search instead"));
        }
        Optional<String> cat = Optional.ofNullable(category).map(String::strip).filter(c -> !c.isEmpty());
        if (cat.isPresent() && cat.get().length() > MAX_CATEGORY_LENGTH) {
            violations.add(new Violation("category", "must be at most " + MAX_CATEGORY_LENGTH + " characters"));
        }
        Optional<OffsetDateTime> fromTime = instant("from", from, false, config, violations);
        Optional<OffsetDateTime> toTime = instant("to", to, true, config, violations);
        if (fromTime.isPresent() && toTime.isPresent() && fromTime.get().isAfter(toTime.get())) {
            violations.add(new Violation("to", "must not be before from"));
        }
        Sort order = Sort.RELEVANCE;
        if (sort != null && !sort.isBlank()) {
            try {
                order = Sort.valueOf(sort.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("sort", "must be relevance or date"));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return new SearchRequest(text, pageNo, pageSize, cat, fromTime, toTime, order);
    }

    static Integer integer(String field, String raw, int dflt, int min, int max, List<Violation> out) {
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value < min || value > max) {
                out.add(new Violation(field, max == Integer.MAX_VALUE ? "must be at least " + min
                        : "must be between " + min + " and " + max));
                return null;
            }
            return value;
        } catch (NumberFormatException e) {
            out.add(new Violation(field, "must be a whole number"));
            return null;
        }
    }

    /** ISO-8601 with offset, or a plain date read in the configured zone (start of day, or end of day for "to"). */
    private static Optional<OffsetDateTime> instant(String field, String raw, boolean endOfDay, SearchConfig config,
                                                    List<Violation> out) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String value = raw.strip();
        try {
            return Optional.of(OffsetDateTime.parse(value));
        } catch (DateTimeParseException notDateTime) {
            try {
                LocalDate day = LocalDate.parse(value);
                LocalDate start = endOfDay ? day.plusDays(1) : day;
                OffsetDateTime t = start.atStartOfDay(config.zone()).toOffsetDateTime();
                return Optional.of(endOfDay ? t.minusNanos(1_000_000) : t);
            } catch (DateTimeParseException notDate) {
                out.add(new Violation(field, "must be an ISO-8601 date (2026-12-01) or date-time with offset"));
                return Optional.empty();
            }
        }
    }
}
