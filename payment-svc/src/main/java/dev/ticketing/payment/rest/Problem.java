package dev.ticketing.payment.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * RFC 9457 problem details, the error shape of every service (docs/architecture.md, Errors). Registered for
 * reflection: the exception mapper writes it inside a Response, which no endpoint signature names (native images).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<Violation> violations) {

    @RegisterForReflection
    public record Violation(String field, String message) {
    }

    public static final String MEDIA_TYPE = "application/problem+json";
}
