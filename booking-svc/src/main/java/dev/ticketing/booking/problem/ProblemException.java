package dev.ticketing.booking.problem;

import java.util.List;

/** A refusal the caller can act on: becomes a problem+json response with this status. Expected: no stack trace. */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String title;
    private final List<Problem.Violation> violations;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    private ProblemException(int status, String title, String detail, List<Problem.Violation> violations) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.violations = violations;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Field-level violations found by the service itself (rules Bean Validation cannot express), or null. */
    public List<Problem.Violation> violations() {
        return violations;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "Not Found", what + " does not exist");
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    /** 400 with one field-level violation, shaped like Bean Validation's. */
    public static ProblemException invalid(String field, String message) {
        return new ProblemException(400, "Bad Request", "The request has invalid fields",
                List.of(new Problem.Violation(field, message)));
    }
}
