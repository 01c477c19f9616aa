package dev.ticketing.search.problem;

/** OpenSearch or booking-svc could not do what we asked: the caller gets 503/502, never a bare 500. */
public class EngineUnavailableException extends RuntimeException {

    private final int status;

    public EngineUnavailableException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
