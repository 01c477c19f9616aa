package dev.ticketing.payment.provider;

/** The provider could not answer (5xx, 429, connection failure): the outcome of the request is unknown. */
public class ProviderUnavailableException extends RuntimeException {

    private final boolean mayBeInFlight;

    public ProviderUnavailableException(String message, Throwable cause) {
        this(message, cause, true);
    }

    /**
     * {@code mayBeInFlight}: the request may still be being processed (no answer at all, or "the same key is still
     * processing"), so its effect may show up later; false for an answer that ended the request (a 5xx, a 429).
     */
    public ProviderUnavailableException(String message, Throwable cause, boolean mayBeInFlight) {
        super(message, cause);
        this.mayBeInFlight = mayBeInFlight;
    }

    public boolean mayBeInFlight() {
        return mayBeInFlight;
    }
}
