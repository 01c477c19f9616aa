package dev.ticketing.search.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** RFC 9457 problem details, the error body every service answers with (docs/architecture.md, Errors). */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null);
    }

    public static Problem invalid(List<Violation> violations) {
        return new Problem("about:blank", "Bad Request", 400, "The request has invalid parameters", null,
                violations);
    }

    /** One refused field: {@code field} is the query parameter's name as the caller wrote it. */
    @RegisterForReflection
    public record Violation(String field, String message) {
    }
}
