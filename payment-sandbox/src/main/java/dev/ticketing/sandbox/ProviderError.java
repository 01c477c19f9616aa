package dev.ticketing.sandbox;

/** Toss-style error: HTTP status plus body {@code {"code", "message"}}. */
final class ProviderError extends RuntimeException {
    final int status;
    final String code;

    ProviderError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ProviderError badRequest(String message) {
        return new ProviderError(400, "INVALID_REQUEST", message);
    }
}
