package dev.ticketing.search.problem;

import java.util.List;

/** Bad input found by our own checks (paging window, dates); answered as 400 with the violations. */
public class InvalidRequestException extends RuntimeException {

    private final transient List<Problem.Violation> violations;

    public InvalidRequestException(List<Problem.Violation> violations) {
        super("invalid request: " + violations);
        this.violations = List.copyOf(violations);
    }

    public List<Problem.Violation> violations() {
        return violations;
    }
}
