package dev.ticketing.auth.rest;

import java.util.Map;

/** A refusal the user should see as-is (status, title, detail), optionally with response headers. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final Map<String, String> headers;

    public ApiException(int status, String title, String detail, Map<String, String> headers) {
        super(detail, null, false, false); // expected outcomes: no stack trace to fill
        this.status = status;
        this.title = title;
        this.headers = headers;
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", detail, Map.of("WWW-Authenticate", "Bearer"));
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail, Map.of());
    }

    public static ApiException tooManyRequests(long retryAfterSeconds) {
        return new ApiException(429, "Too Many Requests",
                "Too many failed login attempts. Try again in " + retryAfterSeconds + " seconds.",
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
