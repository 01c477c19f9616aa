package dev.ticketing.payment.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** RFC 9457 problem details, the error shape of every service (docs/architecture.md, Errors). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<Violation> violations) {

    public record Violation(String field, String message) {
    }

    public static final String MEDIA_TYPE = "application/problem+json";
}
