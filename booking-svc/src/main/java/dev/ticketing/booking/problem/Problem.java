package dev.ticketing.booking.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * RFC 9457 problem details, the error body of every 4xx this service answers. Extension members: {@code seatIds} (the
 * seats a hold was refused for), {@code limit} and {@code held} (the per-fan ticket limit and the tickets the fan
 * already has). Registered for reflection: the exception mappers write it inside a Response, which no endpoint signature
 * names (native images).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<Violation> violations,
                      List<String> seatIds, Integer limit, Integer held) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(String type, String title, int status, String detail, List<Violation> violations,
                   List<String> seatIds) {
        this(type, title, status, detail, violations, seatIds, null, null);
    }

    @RegisterForReflection
    public record Violation(String field, String message) {
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }
}
